#!/usr/bin/env node
// The CLI entry. In a checkout, Node 24 runs the TypeScript sources directly (type stripping), so
// there is no build step; an installed package carries them compiled to lib/ (npm pack's prepack),
// because Node does not strip types under node_modules.
// The compile cache keeps V8's compiled code between runs (in the OS temp dir): it roughly
// halves start-up, which every `baton` invocation in a script pays.
import { existsSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { nodeVersionProblem } from './node-version.mjs'

const problem = nodeVersionProblem(process.versions.node, process.execPath)
if (problem) {
  process.stderr.write(problem)
  process.exit(1)
}

nodeModule.enableCompileCache?.()
const compiled = new URL('../lib/cli/main.js', import.meta.url)
const { main } = await import(existsSync(compiled) ? compiled.href : '../src/cli/main.ts')

// Exit explicitly: an idle keep-alive connection to the daemon must not hold the process open.
process.exit(await main())
