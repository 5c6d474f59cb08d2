#!/usr/bin/env node
import { dispatch } from './cli.js';

process.exitCode = await dispatch(process.argv.slice(2), (line) => console.log(line));
