#!/usr/bin/env node
// The CLI entry: Node 24 runs the TypeScript sources directly (type stripping), so there is no build step.
import { main } from '../src/cli/main.ts'

// Exit explicitly: an idle keep-alive connection to the daemon must not hold the process open.
process.exit(await main())
