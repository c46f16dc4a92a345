#!/usr/bin/env node
// The CLI entry: Node 24 runs the TypeScript sources directly (type stripping), so there is no build step.
// The compile cache keeps V8's compiled code between runs (in the OS temp dir): it roughly
// halves start-up, which every `baton` invocation in a script pays.
import * as nodeModule from 'node:module'
import { nodeVersionProblem } from './node-version.mjs'

const problem = nodeVersionProblem(process.versions.node, process.execPath)
if (problem) {
  process.stderr.write(problem)
  process.exit(1)
}

nodeModule.enableCompileCache?.()
const { main } = await import('../src/cli/main.ts')

// Exit explicitly: an idle keep-alive connection to the daemon must not hold the process open.
process.exit(await main())
