'use strict';
// The event ids this service has finished, so a redelivered event is acked without doing anything again. Kept in
// memory and, when a file is given, in a JSON file rewritten atomically (rename) after each addition. The gateway's
// Idempotency-Key (the event id) covers the window between the post and the record: a post repeated after a crash
// stores nothing new.

const fs = require('node:fs');
const path = require('node:path');

class ProcessedEvents {
  constructor(file) {
    this.file = file;
    this.ids = new Set();
    if (file && fs.existsSync(file)) {
      for (const id of JSON.parse(fs.readFileSync(file, 'utf8'))) {
        this.ids.add(id);
      }
    }
    this.writing = Promise.resolve();
  }

  has(id) {
    return this.ids.has(id);
  }

  /** Records id; resolves once it is on disk (at once without a file). */
  add(id) {
    this.ids.add(id);
    if (!this.file) {
      return Promise.resolve();
    }
    const snapshot = JSON.stringify([...this.ids]);
    const temp = `${this.file}.${process.pid}.tmp`;
    this.writing = this.writing
      .then(() => fs.promises.mkdir(path.dirname(this.file), { recursive: true }))
      .then(() => fs.promises.writeFile(temp, snapshot))
      .then(() => fs.promises.rename(temp, this.file));
    return this.writing;
  }
}

module.exports = { ProcessedEvents };
