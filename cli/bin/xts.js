#!/usr/bin/env node
// Shim for `xts`: lets Node run the TypeScript entry through tsx without a build step.
'use strict';
require('tsx/cjs');
require('../xts.ts').runProcess();
