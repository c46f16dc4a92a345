// The Node.js check the CLI runs before loading any TypeScript: an older Node fails on the first
// type annotation with a SyntaxError that says nothing about the cause. Plain JavaScript that
// every Node since 12 parses, so that the message reaches the user who needs it.
export const REQUIRED_NODE_MAJOR = 24

/** The error text for a Node.js version Baton cannot run on, or undefined when it can. */
export function nodeVersionProblem(version, execPath) {
  const major = Number(String(version).split('.')[0])
  if (major >= REQUIRED_NODE_MAJOR) return undefined
  return (
    `error: baton needs Node.js ${REQUIRED_NODE_MAJOR} or newer; this is Node.js ${version} (${execPath})\n` +
    `hint: install Node.js ${REQUIRED_NODE_MAJOR} LTS, or run 'source .ci/node.sh' in Baton's checkout to put it in ./.node\n`
  )
}
