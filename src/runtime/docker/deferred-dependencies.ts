/**
 * @module
 * A CommonJS package's dependencies loaded at their first use instead of when the package loads.
 * dockerode requires at its start what only two of its paths use: gRPC and protobufjs for
 * BuildKit sessions (`buildImage` with `version: '2'`) and, through docker-modem, ssh2 for
 * `ssh://` engines, which Baton never dials (engine.ts takes unix sockets only). Loaded, they
 * stay resident for the life of the daemon (docs/benchmarks.md, "Idle daemon on Docker").
 *
 * Each dependency gets a stand-in in require's cache under its own file name, so the package's
 * `require()` returns the stand-in. A member read off the stand-in before the real module is
 * loaded is itself a stand-in: calling it, constructing it or reading a property off it loads
 * the real module and acts on the real member (docker-modem reads ssh2's `Client` when it loads
 * and constructs it only to connect). Once loaded, the stand-in hands out the real members. A
 * path that uses a dependency gets the real module's behaviour; one that does not never loads it.
 */
import Module, { createRequire } from 'node:module'

type Exports = Record<PropertyKey, unknown>

/**
 * Puts stand-ins for `names`, as the package whose main file is `packageFile` resolves them,
 * into require's cache. Call it before the package is first required; a dependency some module
 * loaded already, or one the package cannot resolve, is left as it is.
 */
export function deferDependencies(packageFile: string, names: readonly string[]): void {
  const require = createRequire(packageFile)
  for (const name of names) {
    const file = resolvable(require, name)
    // Not installed (a later version of the package no longer depends on it), or loaded already.
    if (file === undefined || require.cache[file] !== undefined) continue
    let real: Exports | undefined
    const load = (): Exports => {
      if (real === undefined) {
        delete require.cache[file]
        real = require(file) as Exports
      }
      return real
    }
    const standIn = new Module(file)
    standIn.filename = file
    standIn.loaded = true
    standIn.exports = new Proxy({} as Exports, {
      get: (_, key) => (real !== undefined ? real[key] : deferredMember(load, key)),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key)
        // A proxy may not report a property of its (empty) target as absent-but-fixed, so every
        // descriptor it hands out is configurable.
        return d === undefined ? undefined : { ...d, configurable: true }
      },
    })
    require.cache[file] = standIn
  }
}

function resolvable(require: NodeJS.Require, name: string): string | undefined {
  try {
    return require.resolve(name)
  } catch {
    return undefined
  }
}

/** `load()[key]`, read when first used: a function or class as the packages use them. */
function deferredMember(load: () => Exports, key: PropertyKey): unknown {
  const member = () => load()[key] as (...args: unknown[]) => unknown
  // A `function` target (not an arrow) so that the proxy can be constructed as well as called.
  const proxy: unknown = new Proxy(function deferred() {}, {
    apply: (_, thisArg, args) => Reflect.apply(member(), thisArg, args),
    construct: (_, args, newTarget) => Reflect.construct(member(), args, newTarget === proxy ? member() : newTarget),
    get: (_, prop) => {
      const target = member()
      const value = Reflect.get(target, prop)
      // Static methods keep their class as `this` (`ServerCredentials.createInsecure()`).
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return proxy
}
