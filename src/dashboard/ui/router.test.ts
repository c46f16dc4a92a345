import { describe, expect, it } from 'vitest'
import { deploymentHref, parseRoute, type Route, rolloutHref } from './router.ts'

describe('parseRoute', () => {
  it.each<{ name: string; path: string; want: Route }>([
    { name: 'the overview', path: '/ui/', want: { page: 'overview' } },
    { name: 'fleets', path: '/ui/fleets', want: { page: 'fleets' } },
    {
      name: 'a deployment',
      path: deploymentHref('default', 'web'),
      want: { page: 'deployment', namespace: 'default', name: 'web' },
    },
    {
      name: 'a rollout, its names decoded',
      path: rolloutHref('team a', 'web'),
      want: { page: 'rollout', namespace: 'team a', name: 'web' },
    },
    { name: 'an unknown kind: the overview', path: '/ui/statefulsets/default/db', want: { page: 'overview' } },
  ])('$name: $path', ({ path, want }) => expect(parseRoute(path)).toEqual(want))
})
