Feature: Live feed of new users
  A browser or any websocket client watching the gateway's live feed sees every user the moment
  it is created. A client that was away comes back with the last user it saw and gets every user
  it missed first, in order, each once, and then the new ones.

  Background:
    Given I am watching the live feed of new users

  Scenario: A new user shows up in the live feed
    When a user named "Hedy Lamarr" is created with a new email address
    Then the live feed soon shows that user

  Scenario: A client that comes back gets the users it missed, in order, each once
    Given a user named "Ada Lovelace" was created with a new email address
    And the live feed soon shows that user
    And I stop watching the live feed
    When 3 users are created while I am away
    And I watch the live feed again, from the last user I saw
    Then the live feed soon shows the 3 users I missed, in the order they were created
    When a user named "Back Again" is created with a new email address
    Then the live feed shows that user right after them, and no user twice
