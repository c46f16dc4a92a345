/**
 * @module
 * `baton describe namespace`: kubectl's NamespaceDescriber layout (describe.go's
 * describeNamespace). Baton serves no ResourceQuotas or LimitRanges, so the two sections are
 * always kubectl's lines for a namespace that has none, each after a blank line as kubectl
 * writes them. kubectl shows no Events for a namespace either.
 */
import type { Namespace } from '../../api/types.ts'
import { annotationsMultiline, DescribeWriter, LEVEL_0, labelsMultiline } from './describe-writer.ts'

export function describeNamespace(ns: Namespace): string {
  const w = new DescribeWriter()
  w.line(LEVEL_0, `Name:\t${ns.metadata.name}`)
  labelsMultiline(w, 'Labels', ns.metadata.labels)
  annotationsMultiline(w, 'Annotations', ns.metadata.annotations)
  w.line(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}`)
  w.line(LEVEL_0, '')
  w.line(LEVEL_0, 'No resource quota.')
  w.line(LEVEL_0, '')
  w.line(LEVEL_0, 'No LimitRange resource.')
  return w.toString()
}
