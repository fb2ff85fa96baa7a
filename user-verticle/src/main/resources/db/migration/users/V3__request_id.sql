-- Create-user commands from the `user` queue carry a requestId: a command delivered twice creates one user.
ALTER TABLE users ADD COLUMN request_id TEXT UNIQUE;
