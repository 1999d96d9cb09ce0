#!/usr/bin/env node
// The installed command: everything lives in the built command line.
import '../dist/cli/main.js';
