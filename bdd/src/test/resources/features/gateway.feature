Feature: The gateway
  The gateway is the one address clients use. It answers a ping by itself, and its health report
  says whether every service behind it answers, and how fast.

  Scenario: The gateway answers a ping
    When I ping the gateway
    Then the answer is 200 OK
    And the gateway answers "pong"

  Scenario: The health report lists every service with its time and answer
    When I ask the gateway for its health
    Then the answer is 200 OK
    And the overall status is "UP"
    And every one of these services answered "pong", with its response time in milliseconds:
      | user    |
      | slack   |
      | userRpc |
