import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../api/types.ts'
import {
  aService as kitService,
  aDeployment,
  aPod,
  deploymentAsServed,
  podAsServed,
  serviceAsServed,
} from '../../../test/support/builders.ts'
import { createHarness, type Harness } from '../testing/harness.ts'

const aService = (name: string) => kitService(serviceAsServed(name))

// Golden output: what kubectl prints for the same objects (its tabwriter: min width 6, padding 3;
// jsonpath results of one action joined by a space; custom-columns cells joined by commas).

let h: Harness
let dir: string
beforeEach(() => {
  h = createHarness()
  dir = mkdtempSync(join(tmpdir(), 'baton-get-printers-'))
})
afterEach(() => {
  h.close()
  rmSync(dir, { recursive: true, force: true })
})

function seedPods(): void {
  h.store.create(aPod({ ...podAsServed('web-10'), labels: { app: 'web' } }))
  h.store.create(
    aPod({ ...podAsServed('web-2'), labels: { app: 'web', tier: 'front' }, phase: 'Pending', ready: false }),
  )
  h.store.create(aPod({ ...podAsServed('web-1'), labels: { app: 'web', 'example.com/tier': 'back' } }))
}

function seedDeployments(): void {
  h.store.create(aDeployment(deploymentAsServed('web')))
  h.store.create(aDeployment({ ...deploymentAsServed('api'), replicas: 1, image: 'api:v1' }))
}

describe('get -o jsonpath', () => {
  it('prints the names of a listing on one line, joined by spaces, with no newline', async () => {
    seedPods()
    expect(await h.run('get pods -o "jsonpath={.items[*].metadata.name}" --sort-by=.metadata.name')).toEqual({
      code: 0,
      err: '',
      out: 'web-1 web-2 web-10',
    })
  })

  it('loops with range and prints escapes from quoted text', async () => {
    seedPods()
    const res = await h.run(
      `get pods --sort-by=.metadata.name -o 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'`,
    )
    expect(res.out).toBe('web-1\tRunning\nweb-2\tPending\nweb-10\tRunning\n')
  })

  it('applies to one named object as itself, with filters', async () => {
    seedDeployments()
    expect(
      (await h.run(`get deployment.v1.apps/web -o 'jsonpath={.spec.template.spec.containers[?(@.name=="web")].image}'`))
        .out,
    ).toBe('web:v1')
    expect((await h.run(`get deploy web -o 'jsonpath={.metadata.labels}'`)).out).toBe('{"app":"web"}')
  })

  it('reads the template from a file with jsonpath-file', async () => {
    seedDeployments()
    const file = join(dir, 'names.tmpl')
    writeFileSync(file, '{range .items[*]}{.metadata.name}={.spec.replicas}{"\\n"}{end}')
    expect((await h.run(`get deploy -o jsonpath-file=${file} --sort-by=.metadata.name`)).out).toBe('api=1\nweb=3\n')
  })

  it('prints results as JSON with jsonpath-as-json', async () => {
    seedDeployments()
    expect((await h.run(`get deploy --sort-by=.metadata.name -o jsonpath-as-json={.items[*].spec.replicas}`)).out).toBe(
      '[\n    1,\n    3\n]\n',
    )
  })

  it('reads -o=FORMAT and -n=NS as kubectl does, leaving words after -- alone', async () => {
    seedDeployments()
    expect((await h.run('get deploy web -o=jsonpath={.kind} -n=default')).out).toBe('Deployment')
    expect((await h.run('get deploy web -o=name')).out).toBe('deployment.apps/web\n')
    expect((await h.run('create deployment w --image=i:1 -- sh -c=x')).code).toBe(0)
    expect((h.store.get('Deployment', 'default', 'w') as Deployment).spec.template.spec.containers[0]!.command).toEqual(
      ['sh', '-c=x'],
    )
  })

  it('prints each change with the same template under -w', async () => {
    seedDeployments()
    const abort = new AbortController()
    const running = h.start(`get deploy web -w -o 'jsonpath={.metadata.name} {.status.readyReplicas}{"\\n"}'`, {
      signal: abort.signal,
    })
    await running.waitFor('web \n')
    const d = h.store.get('Deployment', 'default', 'web')!
    h.store.updateStatus({ ...d, status: { readyReplicas: 3, replicas: 3 } })
    await running.waitFor('web 3\n')
    abort.abort()
    expect((await running.result).out).toBe('web \nweb 3\n')
  })

  it('--allow-missing-template-keys=false makes a missing key an error', async () => {
    seedDeployments()
    expect((await h.run('get deploy web -o jsonpath={.spec.paused}')).out).toBe('')
    const res = await h.run('get deploy web -o jsonpath={.spec.paused} --allow-missing-template-keys=false')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: error executing jsonpath "\{\.spec\.paused\}": paused is not found\n/)
  })

  it('prints nothing (and no "No resources found") for an empty listing', async () => {
    expect(await h.run('get pods -o "jsonpath={.items[*].metadata.name}"')).toEqual({ code: 0, out: '', err: '' })
  })

  it.each([
    {
      name: 'no template',
      argv: 'get pods -o jsonpath',
      err: 'error: jsonpath format specified but no template given\n',
    },
    {
      name: 'an unclosed action',
      argv: 'get pods -o jsonpath={.items',
      err: 'error: error parsing jsonpath {.items, unclosed action\n',
    },
    {
      name: 'a missing file',
      argv: 'get pods -o jsonpath-file=/nonexistent/t',
      err: 'error: error reading --template /nonexistent/t, ',
    },
  ])('refuses $name before asking the daemon', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
  })
})

describe('get -o custom-columns', () => {
  it('prints a header and a row per object, <none> for a missing field', async () => {
    seedDeployments()
    const res = await h.run(
      'get deploy -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGES:.spec.template.spec.containers[*].image,PAUSED:.spec.paused',
    )
    expect(res).toEqual({
      code: 0,
      err: '',
      out: 'NAME   REPLICAS   IMAGES   PAUSED\napi    1          api:v1   <none>\nweb    3          web:v1   <none>\n',
    })
  })

  it('joins several values with commas and prints maps as Go does', async () => {
    h.store.create(aPod({ ...podAsServed('p'), labels: { app: 'web', tier: 'front' } }))
    const res = await h.run(
      'get pod p -o custom-columns=PORTS:.spec.containers[*].ports[*].containerPort,LABELS:.metadata.labels --no-headers',
    )
    expect(res.out).toBe('8080   map[app:web tier:front]\n')
  })

  it('reads the columns from a file with custom-columns-file', async () => {
    seedDeployments()
    const file = join(dir, 'cols.txt')
    writeFileSync(file, 'NAME          READY\n.metadata.name   {.status.readyReplicas}\n')
    expect((await h.run(`get deploy -o custom-columns-file=${file} --sort-by=.metadata.name`)).out).toBe(
      'NAME   READY\napi    <none>\nweb    <none>\n',
    )
  })

  it('refuses a column without a header', async () => {
    const res = await h.run('get deploy -o custom-columns=.metadata.name')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(
      /^error: unexpected custom-columns spec: \.metadata\.name, expected <header>:<json-path-expr>\n/,
    )
  })
})

describe('get table flags', () => {
  it('--no-headers leaves out the header row', async () => {
    seedDeployments()
    expect((await h.run('get deploy --no-headers --sort-by=.metadata.name')).out).toBe(
      'api   0/1   0     0     0s\nweb   0/3   0     0     0s\n',
    )
  })

  it('--show-labels adds LABELS, sorted by key', async () => {
    seedPods()
    expect((await h.run('get pods --show-labels --sort-by=.metadata.name')).out).toBe(
      'NAME     READY   STATUS    RESTARTS   AGE   LABELS\n' +
        'web-1    1/1     Running   0          0s    app=web,example.com/tier=back\n' +
        'web-2    0/1     Pending   0          0s    app=web,tier=front\n' +
        'web-10   1/1     Running   0          0s    app=web\n',
    )
  })

  it('-L adds a column per label key, headed by its last segment, blank where missing', async () => {
    seedPods()
    expect((await h.run('get pods -L tier -L example.com/tier --sort-by=.metadata.name')).out).toBe(
      'NAME     READY   STATUS    RESTARTS   AGE   TIER    TIER\n' +
        'web-1    1/1     Running   0          0s            back\n' +
        'web-2    0/1     Pending   0          0s    front   \n' +
        'web-10   1/1     Running   0          0s            \n',
    )
    expect((await h.run('get pods -L app,tier --no-headers --sort-by=.metadata.name')).out.split('\n')[0]).toBe(
      'web-1    1/1   Running   0     0s    web   ',
    )
  })

  it('--sort-by sorts numbers as numbers and strings in natural order, objects without the field first', async () => {
    seedDeployments()
    h.store.create(aDeployment({ ...deploymentAsServed('db'), replicas: 2 }))
    expect((await h.run('get deploy --sort-by=.spec.replicas -o name')).out).toBe(
      'deployment.apps/api\ndeployment.apps/db\ndeployment.apps/web\n',
    )
    seedPods()
    expect((await h.run('get pods --sort-by={.metadata.labels.tier} -o name')).out).toBe(
      'pod/web-1\npod/web-10\npod/web-2\n',
    )
  })

  it('--sort-by refuses a field no object has', async () => {
    seedDeployments()
    const res = await h.run('get deploy --sort-by=.spec.bogus')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: couldn't find any field with path "\{\.spec\.bogus\}" in the list of objects\n/)
  })

  it('--field-selector filters on the server, with = and !=', async () => {
    seedPods()
    expect((await h.run('get pods --field-selector status.phase=Running --sort-by=.metadata.name -o name')).out).toBe(
      'pod/web-1\npod/web-10\n',
    )
    expect((await h.run('get pods --field-selector=status.phase!=Running,metadata.name!=x -o name')).out).toBe(
      'pod/web-2\n',
    )
    expect((await h.run('get pods --field-selector metadata.name=nope')).err).toBe(
      'No resources found in default namespace.\n',
    )
  })

  it.each([
    { argv: 'get pods --show-labels -o json', err: 'error: --show-labels option cannot be used with json printer' },
    {
      argv: 'get pods -L app -o jsonpath={.items}',
      err: 'error: --label-columns option cannot be used with jsonpath printer',
    },
  ])('refuses label columns outside tables: $argv', async ({ argv, err }) => {
    const res = await h.run(argv)
    expect(res.code).toBe(1)
    expect(res.err.startsWith(err)).toBe(true)
  })

  it('refuses a name together with a selector', async () => {
    const res = await h.run('get pods web-1 --field-selector status.phase=Running')
    expect(res.code).toBe(1)
    expect(res.err).toMatch(/^error: name cannot be provided when a selector is specified\n/)
  })
})

describe('resource arguments of several types with one name', () => {
  it('get deploy,svc web prints each in its own table', async () => {
    seedDeployments()
    h.store.create(aService('web'))
    expect((await h.run('get deploy,svc web')).out).toBe(
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   0/3     0            0           0s\n\n' +
        'NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/web   ClusterIP   127.0.0.1    <none>        80/TCP    0s\n',
    )
    expect((await h.run('get deploy,svc web --no-headers')).out).toBe(
      'deployment.apps/web   0/3   0     0     0s\nservice/web   ClusterIP   127.0.0.1   <none>   80/TCP   0s\n',
    )
  })

  it('delete services,deployment web deletes both, in the order given', async () => {
    seedDeployments()
    h.store.create(aService('web'))
    expect(await h.run('delete services,deployment web')).toEqual({
      code: 0,
      err: '',
      out: 'service "web" deleted\ndeployment.apps "web" deleted\n',
    })
    expect((await h.run('get deployments.apps -o name')).out).toBe('deployment.apps/api\n')
  })
})

describe('TYPE.VERSION.GROUP/NAME across verbs (seed 004 writes deployment.v1.apps/web)', () => {
  it.each([
    { argv: 'set image deployment.v1.apps/web web=web:v2', out: 'deployment.apps/web image updated\n' },
    { argv: 'scale deployment.v1.apps/web --replicas=2', out: 'deployment.apps/web scaled\n' },
    { argv: 'rollout pause deployment.v1.apps/web', out: 'deployment.apps/web paused\n' },
    { argv: 'annotate deployment.v1.apps/web kubernetes.io/change-cause=v2', out: 'deployment.apps/web annotated\n' },
    { argv: 'get deployment.v1.apps web -o name', out: 'deployment.apps/web\n' },
  ])('$argv', async ({ argv, out }) => {
    seedDeployments()
    expect(await h.run(argv)).toEqual({ code: 0, err: '', out })
  })
})
