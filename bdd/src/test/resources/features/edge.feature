@edge
Feature: Signing in and being limited at the edge
  With AUTH_MODE=jwt the gateway lets a caller in only with a bearer token, and the token's scopes say what the
  caller may do. Every caller has a budget of writes: past it, the gateway asks it to come back later instead of
  passing the request on. These scenarios run against a gateway of their own that requires tokens.

  Background:
    Given a gateway that requires tokens and allows 2 writes per minute per caller

  Scenario: Without a token a write is refused
    When I create a user without a token
    Then the answer is 401 Unauthorized
    And the gateway asks for a valid bearer token

  Scenario: Signed in with the right scope, I create a user
    Given I am signed in as "ada" with the scope "users:write"
    When I create a user with my token
    Then the answer is 201 Created

  Scenario: Signed in without the scope, I am refused
    Given I am signed in as "bob" with the scope "users:read"
    When I create a user with my token
    Then the answer is 403 Forbidden

  Scenario: Past my budget I am asked to come back later
    Given I am signed in as "carol" with the scope "users:write"
    When I create 3 users with my token
    Then the first 2 were created and the last is 429 Too Many Requests, saying when to retry
