import { loadConfig } from '../../src/config.ts';
import { holdDatabase } from '../../src/db/database-locks.ts';

// A process that holds the database in use (as every idesk process does) until it is killed.
const config = loadConfig();
await holdDatabase(config.database, 'test holder');
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
