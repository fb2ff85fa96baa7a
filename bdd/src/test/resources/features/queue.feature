@amqp
Feature: Create-user commands on the user queue
  Other systems create users without HTTP: they put a command {"name", "email", "requestId"} on
  the RabbitMQ queue "user". The user is created as if it had come through the gateway.

  Scenario: A create-user command on the queue creates the user
    Given the user queue has a consumer
    When a command to create a user named "Queued Quinn" with a new email address is put on the user queue
    Then the user soon appears in the list of users
    And the "#user" channel soon shows "User <email> created" for that user
