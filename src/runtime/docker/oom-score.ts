/**
 * @module
 * The lowest oom_score_adj the engine can give a container on this machine. Lowering a score
 * needs CAP_SYS_RESOURCE (the kubelet has it, and gives Guaranteed pods −997); a machine that
 * withholds it from its root (a sandbox, a user namespace) makes the engine's runc fail the
 * container's start on any score below the one it inherited. Baton then keeps such a
 * container at that score instead of never starting it.
 */
import { readFileSync } from 'node:fs'

const CAP_SYS_RESOURCE = 24n

export function oomScoreAdjFloor(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8')
    const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1]
    if (capEff && (BigInt(`0x${capEff}`) >> CAP_SYS_RESOURCE) & 1n) return -1000
    return Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim()) || 0
  } catch {
    return 0
  }
}
