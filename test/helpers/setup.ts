import { afterAll } from 'vitest';
import { removeTempDirs } from './cli.js';

// Every test file's temporary folders go when the file is done: CI machines and long sessions
// would otherwise keep one copy of every generated export per run.
afterAll(() => removeTempDirs());
