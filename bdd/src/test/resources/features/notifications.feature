Feature: Notifications in slack channels
  The slack service keeps the messages of each channel, newest first, and writes one to the
  "#user" channel for every user created, wherever the user was created.

  Scenario: A created user is announced in the #user channel
    Given a user named "Katherine Johnson" was created with a new email address
    Then the "#user" channel soon shows "User <email> created" for that user

  Scenario: The messages of a channel are read page by page, newest first
    Given a new channel with 15 messages, posted in order from "message 1" to "message 15"
    When I read the channel's messages with limit 10
    Then I get 10 messages, from "message 15" down to "message 6"
    When I read the channel's messages with limit 10 and offset 10
    Then I get 5 messages, from "message 5" down to "message 1"
