import { describe, expect, it } from 'vitest'
import { systemdUnit } from './systemd-unit.ts'

describe('systemdUnit', () => {
  it('runs the daemon itself, restarts it, and leaves the replicas to be re-adopted', () => {
    const unit = systemdUnit({
      node: '/opt/node/bin/node',
      args: [
        '--max-semi-space-size=1',
        '/opt/baton/src/daemon/main.ts',
        '--data-dir',
        '/var/lib/baton',
        '--port',
        '7070',
      ],
      env: { BATON_HOME: '/var/lib/baton' },
      user: false,
    })
    expect(unit).toBe(
      [
        '[Unit]',
        'Description=Baton rolling-deployment daemon',
        'After=network-online.target',
        'Wants=network-online.target',
        '',
        '[Service]',
        'Type=simple',
        'Environment=BATON_HOME=/var/lib/baton',
        'ExecStart=/opt/node/bin/node --max-semi-space-size=1 /opt/baton/src/daemon/main.ts --data-dir /var/lib/baton --port 7070',
        'Restart=always',
        'RestartSec=1',
        'KillMode=process',
        'TimeoutStopSec=30',
        '',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    )
  })

  it('quotes words with spaces and wants default.target as a user unit', () => {
    const unit = systemdUnit({ node: '/n', args: ['/my dir/main.ts'], env: { BATON_HOME: '/home/a b' }, user: true })
    expect(unit).toContain('Environment="BATON_HOME=/home/a b"\n')
    expect(unit).toContain('ExecStart=/n "/my dir/main.ts"\n')
    expect(unit).toContain('WantedBy=default.target\n')
  })
})
