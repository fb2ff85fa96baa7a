'use strict';
// Runs the welcome service until SIGTERM or SIGINT. Settings: environment variables (README.md of this service).

const { WelcomeService, configFromEnv } = require('./welcome');

const service = new WelcomeService(configFromEnv());
service.start().catch((e) => {
  console.error('welcome-node failed to start:', e);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => service.stop().then(() => process.exit(0)));
}
