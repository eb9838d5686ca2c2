import { testDbPrefix } from '@centavo/testing';

// Before each test file, in its worker: code that reads the environment itself (loadConfig()
// with no argument, databaseUrlFor) finds this worker's databases too.
process.env.DB_NAME_PREFIX = testDbPrefix();
