import { h, type VNode } from 'preact'
import { describe, expect, it } from 'vitest'
import { DataTable } from './data-table.tsx'

type Node = VNode<{ class?: string; scope?: string; children?: unknown }>

const kids = (v: Node): Node[] =>
  [v.props.children].flat(2).filter((c): c is Node => typeof c === 'object' && c !== null)
const part = (table: Node, type: string) => kids(table).find((c) => c.type === type) as Node

describe('DataTable', () => {
  it.each([
    { name: 'a screen-reader caption', hiddenCaption: true, captionClass: 'sr-only' },
    { name: 'a visible caption', hiddenCaption: false, captionClass: undefined },
  ])('renders $name, one column heading per column, and the rows in the body', ({ hiddenCaption, captionClass }) => {
    const row = h('tr', { key: 'a' }, h('td', null, '1'))
    const table = DataTable({
      class: 'rates',
      caption: 'Traffic',
      hiddenCaption,
      columns: ['Revision', 'Share'],
      children: [row],
    }) as Node
    expect(table.type).toBe('table')
    expect(table.props.class).toBe('rates')
    const caption = part(table, 'caption')
    expect(caption.props.class).toBe(captionClass)
    expect(caption.props.children).toBe('Traffic')
    const headings = kids(kids(part(table, 'thead'))[0]!)
    expect(headings.map((th) => [th.type, th.props.scope, th.props.children])).toEqual([
      ['th', 'col', 'Revision'],
      ['th', 'col', 'Share'],
    ])
    expect(kids(part(table, 'tbody'))).toEqual([row])
  })

  it.each([
    { name: 'without a scroll label: the table itself', scrollLabel: undefined, want: ['table', undefined] },
    {
      name: 'with one: inside a named, focusable region that scrolls',
      scrollLabel: 'Traffic',
      want: ['div', 'Traffic'],
    },
  ])('$name', ({ scrollLabel, want }) => {
    const out = DataTable({
      caption: 'Traffic',
      columns: ['Revision'],
      children: [],
      ...(scrollLabel !== undefined ? { scrollLabel } : {}),
    }) as VNode<{ class?: string; 'aria-label'?: string; tabIndex?: number; children?: unknown }>
    expect([out.type, out.props['aria-label']]).toEqual(want)
    if (scrollLabel !== undefined) {
      expect(out.props).toMatchObject({ class: 'scroll', tabIndex: 0, role: 'region' })
      expect((out.props.children as Node).type).toBe('table')
    }
  })
})
