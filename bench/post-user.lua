-- wrk script: POST /user with an email no other request, thread or run uses.
-- Usage: wrk -s bench/post-user.lua http://127.0.0.1:8100/user -- <run-id> [<bearer token>]
-- With a token (AUTH_MODE=jwt, from `java -jar stack.jar token`) every request carries it as Authorization: Bearer.
-- Email: w<run-id>-<thread id>-<counter>@bench.example (thread ids come from setup(), in thread creation order).

local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  run = args[1] or tostring(os.time())
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if args[2] and args[2] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[2]
  end
end

function request()
  counter = counter + 1
  local email = string.format("w%s-%d-%d@bench.example", run, tid, counter)
  return wrk.format(nil, nil, nil, '{"name":"bench","email":"' .. email .. '"}')
end
