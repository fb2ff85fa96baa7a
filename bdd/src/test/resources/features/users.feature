Feature: Users
  Clients create users through the gateway and look them up by id. A user has a name of 1 to 64
  characters and an email address of at most 254 characters that no other user has, in any case.
  Every invalid field is refused with the reason, so that a client can tell its user what to fix.

  Scenario: Creating a user
    When I create a user named "Ada Lovelace" with a new email address
    Then the answer is 201 Created
    And the answer is the new user: an id, the name and the email address I sent
    And its location is the user's own address

  Scenario Outline: A user at the limits of the rules is created: <case>
    When I create a user with the name <name> and the email <email>
    Then the answer is 201 Created
    And the answer is the new user: an id, the name and the email address I sent

    Examples:
      | case                           | name                    | email                        |
      | a name of 64 characters        | a name of 64 characters | a new address                |
      | an email of 254 characters     | "Grace"                 | an address of 254 characters |
      | a name with spaces around it   | "  Alan  "              | a new address                |

  Scenario Outline: A user with an invalid field is refused: <case>
    When I create a user with the name <name> and the email <email>
    Then the answer is 400 Bad Request
    And the answer names only the field "<field>", which <reason>

    Examples:
      | case                         | name                    | email                        | field | reason                         |
      | the name is missing          | nothing                 | a new address                | name  | is required                    |
      | the email is missing         | "Ada"                   | nothing                      | email | is required                    |
      | the name is not a string     | the number 42           | a new address                | name  | must be a string               |
      | the name is blank            | "   "                   | a new address                | name  | must not be blank              |
      | the name is 65 characters    | a name of 65 characters | a new address                | name  | must be at most 64 characters  |
      | the email is not an address  | "Ada"                   | "ada.example.com"            | email | must be a valid email address  |
      | the email is 255 characters  | "Ada"                   | an address of 255 characters | email | must be at most 254 characters |

  Scenario: An email address belongs to one user only, whatever its case
    Given a user named "Grace Hopper" was created with a new email address
    When I create a user named "Someone Else" with the same email address in upper case
    Then the answer is 409 Conflict
    And the first user is kept, with the name "Grace Hopper" and the original email address

  Scenario: Looking a user up by id
    Given a user named "Alan Turing" was created with a new email address
    When I look that user up by id
    Then the answer is 200 OK
    And the answer is that user, with the same id, name and email address

  Scenario: Looking up an id that no user has
    When I look up a user id that does not exist
    Then the answer is 404 Not Found
