/**
 * @module
 * The systemd unit that keeps a Baton daemon running across reboots (`baton install-service`).
 *
 * The unit runs the daemon itself (not `baton up`), so systemd watches the right process.
 * `KillMode=process`: replicas and the load balancer are not the daemon's children in
 * lifetime; a daemon restarted by systemd re-adopts them instead of starting them again, and
 * `systemctl stop baton` stops only the daemon, as `baton down` does (`baton down --all`
 * stops the replicas too). After a reboot nothing survives, and the daemon starts every pod
 * from the store.
 */

export interface UnitOptions {
  /** Absolute path of the Node.js binary. */
  node: string
  /** V8 flags, then the daemon's entry point and its flags. */
  args: readonly string[]
  env: Readonly<Record<string, string>>
  /** A user unit (`systemctl --user`) instead of a system one. */
  user: boolean
}

/** systemd's quoting for ExecStart words: double quotes, with \ and " escaped, when needed. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

export function systemdUnit(o: UnitOptions): string {
  const env = Object.entries(o.env).map(([k, v]) => `Environment=${quote(`${k}=${v}`)}`)
  return [
    '[Unit]',
    'Description=Baton rolling-deployment daemon',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...env,
    `ExecStart=${[o.node, ...o.args].map(quote).join(' ')}`,
    'Restart=always',
    'RestartSec=1',
    'KillMode=process',
    'TimeoutStopSec=30',
    '',
    '[Install]',
    `WantedBy=${o.user ? 'default.target' : 'multi-user.target'}`,
    '',
  ].join('\n')
}
