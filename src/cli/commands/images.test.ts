import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { aDeployment, submitted, T0 } from '../../../test/support/builders.ts'
import { openArtifactStore, removeCheckout } from '../../artifacts/artifact-store.ts'
import { createHarness } from '../testing/harness.ts'
import { imagesTable } from './images.ts'

describe('imagesTable', () => {
  it('prints each tag with its short digest, size, age, users and revisions', () => {
    const created = new Date(T0 - 3_600_000).toISOString()
    const digest = `sha256:${'ab12'.repeat(16)}`
    expect(
      imagesTable(
        [
          { name: 'web', tag: 'v1', digest, size: 1536, created, inUse: [], revisions: ['web:1'] },
          {
            name: 'web',
            tag: 'v2',
            digest,
            size: 1536,
            created,
            inUse: ['deployment/web', 'pod/web-2-a'],
            revisions: ['web:2'],
          },
        ],
        T0,
      ),
    ).toBe(
      'REPOSITORY   TAG   DIGEST                SIZE      CREATED   IN USE BY                    REVISIONS\n' +
        'web          v1    sha256:ab12ab12ab12   1.5 KiB   60m       <none>                       web:1\n' +
        'web          v2    sha256:ab12ab12ab12   1.5 KiB   60m       deployment/web,pod/web-2-a   web:2\n',
    )
  })
})

describe('baton images / rmi against the API', () => {
  it('lists, removes an unused tag, and refuses one a Deployment uses with its users named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-images-'))
    const h = createHarness({ artifacts: openArtifactStore(join(dir, 'store')) })
    try {
      const src = join(dir, 'src')
      mkdirSync(src)
      writeFileSync(join(src, 'server.js'), 'v1')
      // Two tags of one content: removing one keeps the content for the other.
      for (const ref of ['web:v1', 'web:v2']) expect((await h.run(`push ${ref} ${src}`)).code).toBe(0)
      h.store.create(submitted(aDeployment({ image: 'web:v2' })))
      const listed = await h.run('images')
      expect(listed.out).toMatch(/^web +v1 +sha256:[0-9a-f]{12} .* <none> +<none>$/m)
      expect(listed.out).toMatch(/^web +v2 +sha256:[0-9a-f]{12} .* deployment\/web +<none>$/m)
      expect((await h.run('rmi web:v1')).out).toBe('Untagged: web:v1\n')
      const refused = await h.run('rmi web:v2')
      expect(refused.code).toBe(1)
      expect(refused.err).toContain('artifact "web:v2" is in use by deployment/web')
      expect((await h.run('images')).out).toMatch(/^web +v2 /m)
    } finally {
      h.close()
      await removeCheckout(dir)
    }
  })
})
