import { describe, expect, it } from 'vitest'
import { mountSubPath } from './mount-sub-path.ts'

describe('mountSubPath: subPath, or subPathExpr expanded as the kubelet expands it', () => {
  const env = { POD_NAME: 'web-0', NS: 'default', EMPTY: '', UP: '..', ROOT: '/etc' }
  it.each<[string, { subPath?: string; subPathExpr?: string }, { subPath: string } | { error: string }]>([
    ['no subPath: the whole volume', {}, { subPath: '' }],
    ['a subPath as written', { subPath: 'logs/web' }, { subPath: 'logs/web' }],
    ['a variable', { subPathExpr: 'logs/$(POD_NAME)' }, { subPath: 'logs/web-0' }],
    ['two variables', { subPathExpr: '$(NS)/$(POD_NAME)' }, { subPath: 'default/web-0' }],
    ['an escaped reference stays literal', { subPathExpr: 'a/$$(POD_NAME)' }, { subPath: 'a/$(POD_NAME)' }],
    [
      'unset and empty variables',
      { subPathExpr: '$(NODE)/$(EMPTY)/$(POD_NAME)' },
      { error: 'subPathExpr "$(NODE)/$(EMPTY)/$(POD_NAME)": missing value for EMPTY, NODE' },
    ],
    [
      "a value that climbs out with '..'",
      { subPathExpr: '$(UP)/x' },
      { error: 'subPathExpr "$(UP)/x" expands to "../x", not a relative path inside the volume' },
    ],
    [
      'a value that is absolute',
      { subPathExpr: '$(ROOT)' },
      { error: 'subPathExpr "$(ROOT)" expands to "/etc", not a relative path inside the volume' },
    ],
  ])('%s', (_name, mount, want) => {
    expect(mountSubPath(mount, env)).toEqual(want)
  })
})
