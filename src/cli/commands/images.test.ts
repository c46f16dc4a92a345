import { describe, expect, it } from 'vitest'
import { T0 } from '../../../test/support/builders.ts'
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
