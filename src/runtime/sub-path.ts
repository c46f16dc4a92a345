/**
 * @module
 * A volumeMount's subPath as the host path to bind, for both runtimes, as the kubelet's safe
 * subpath resolves it: the path is walked one component at a time from the volume's real root;
 * a symlink is followed only when its target stays inside the volume (a container that wrote
 * `ln -s /etc escape` into an emptyDir gets no bind of the host's /etc), and the path bound is
 * the real one, so the engine or mount(2) follows no link of the container's making. What is
 * missing is created as directories of the volume root's mode (`create`: emptyDir and hostPath,
 * as the kubelet's SafeMakeDir does); in a configMap or secret volume it is an error (the kubelet
 * would bind an empty directory there, which hides a key's typo).
 *
 * A container could still swap a component for a symlink between this walk and the bind; the
 * kubelet closes that window by binding an open file descriptor, which the Docker engine's
 * API cannot be handed.
 *
 * | volume root | subPath | on disk | result |
 * | --- | --- | --- | --- |
 * | /v | app.conf | app.conf -> ..data/app.conf -> ..2026_x/app.conf | /v/..2026_x/app.conf |
 * | /v | logs/web | nothing (create) | /v/logs/web, made with /v's mode |
 * | /v | escape/x | escape -> /etc | error: resolves outside the volume |
 * | /v | . | — | /v |
 */
import { chmodSync, lstatSync, mkdirSync, readlinkSync, realpathSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'

export type SubPathResult = { path: string } | { error: string }

/** The host path that `subPath` of the volume at `volumeDir` names, made safe to bind (see the module). */
export function subPathSource(volumeDir: string, subPath: string, create: boolean): SubPathResult {
  const parts = subPath.split('/').filter((p) => p !== '' && p !== '.')
  if (isAbsolute(subPath) || parts.includes('..'))
    return { error: `subPath "${subPath}" must be a relative path that does not contain '..'` }
  let root: string
  try {
    root = realpathSync(volumeDir)
  } catch (err) {
    return { error: `the volume's directory cannot be read: ${message(err)}` }
  }
  const mode = statSync(root).mode & 0o7777
  let cur = root
  // A chain of symlinks is followed one link at a time (each checked), bounded as the kernel bounds it.
  let links = 0
  const queue = [...parts]
  while (queue.length > 0) {
    const part = queue.shift() as string
    const next = join(cur, part)
    const st = lstatOrUndefined(next)
    if (st === undefined) {
      if (!create) return { error: `subPath "${subPath}" does not exist in the volume` }
      try {
        mkdirSync(next)
        // mkdir's mode is cut by the umask; the kubelet gives the directory the volume's own mode.
        chmodSync(next, mode)
      } catch (err) {
        return { error: `subPath "${subPath}" cannot be created: ${message(err)}` }
      }
      cur = next
    } else if (st.isSymbolicLink()) {
      if (++links > 40) return { error: `subPath "${subPath}" has too many levels of symbolic links` }
      const target = resolve(dirname(next), readlinkSync(next))
      if (!inside(root, target))
        return { error: `subPath "${subPath}" resolves through a symlink to ${target}, outside the volume` }
      // Walk the link's target from the root again, so a link inside it is judged the same way.
      queue.unshift(
        ...relative(root, target)
          .split('/')
          .filter((p) => p !== ''),
      )
      cur = root
    } else {
      if (queue.length > 0 && !st.isDirectory()) return { error: `subPath "${subPath}": ${next} is not a directory` }
      cur = next
    }
  }
  return { path: cur }
}

/** Whether `path` is `root` or under it; `..data` and `..2026_x` (the atomic writer's names) are inside. */
const inside = (root: string, path: string) => {
  const r = relative(root, path)
  return r !== '..' && !r.startsWith('../') && !isAbsolute(r)
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path)
  } catch {
    return undefined
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err))
