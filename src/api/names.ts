/**
 * @module
 * Kubernetes name and label syntax (apimachinery's util/validation), as pure predicates that
 * return the list of problems, each worded the way the API server words it. An empty list
 * means the value is valid. Used by the selector parser and the object validator.
 */

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`)
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`)
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?'
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL}$`)
const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const IANA_SVC_NAME_RE = /^[-a-z0-9]+$/
const HAS_LETTER_RE = /[a-z]/

const maxLen = (n: number) => `must be no more than ${n} characters`

/** A DNS-1123 label: container names, Service names, namespaces. */
export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push(maxLen(63))
  if (!DNS1123_LABEL_RE.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must " +
        "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for " +
        `validation is '${DNS1123_LABEL}')`,
    )
  }
  return errs
}

/** A DNS-1035 label (must start with a letter): Service names, which become DNS names. */
export function dns1035LabelErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push(maxLen(63))
  if (!DNS1035_LABEL_RE.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " +
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for " +
        `validation is '${DNS1035_LABEL}')`,
    )
  }
  return errs
}

/** A ConfigMap key: a file name when the map is mounted, so no slashes. */
export function configKeyErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 253) errs.push(maxLen(253))
  if (!CONFIG_KEY_RE.test(value)) {
    errs.push(
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or " +
        "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    )
  }
  if (value === '.' || value === '..') errs.push(`must not be '${value}'`)
  else if (value.startsWith('..')) errs.push("must not start with '..'")
  return errs
}

/** A DNS-1123 subdomain: most object names (Deployment, ReplicaSet, Pod, ConfigMap). */
export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 253) errs.push(maxLen(253))
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
        "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " +
        `validation is '${DNS1123_LABEL}(\\.${DNS1123_LABEL})*')`,
    )
  }
  return errs
}

/** A qualified name ("app", "example.com/tier"): label and annotation keys. */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/')
  let name = value
  const errs: string[] = []
  if (parts.length === 2) {
    const prefix = parts[0] ?? ''
    name = parts[1] ?? ''
    if (prefix.length === 0) errs.push('prefix part must be non-empty')
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`))
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
        "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " +
        "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix " +
        "and '/' (e.g. 'example.com/MyName')",
    ]
  }
  if (name.length === 0) errs.push('name part must be non-empty')
  else {
    if (name.length > 63) errs.push(`name part ${maxLen(63)}`)
    if (!QUALIFIED_NAME_RE.test(name)) {
      errs.push(
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
          "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " +
          "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      )
    }
  }
  return errs
}

/** A label value: empty, or up to 63 alphanumerics with '-', '_', '.' inside. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push(maxLen(63))
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and " +
        "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', " +
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    )
  }
  return errs
}

/** An IANA_SVC_NAME (RFC 6335): container port names and named targetPorts ("http", "metrics"). */
export function portNameErrors(value: string): string[] {
  const errs: string[] = []
  if (value.length > 15) errs.push(maxLen(15))
  if (!IANA_SVC_NAME_RE.test(value)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (value.includes('--')) errs.push('must not contain consecutive hyphens')
  if (value.length > 0 && !HAS_LETTER_RE.test(value)) errs.push('must contain at least one letter (a-z)')
  if (value.startsWith('-') || value.endsWith('-')) errs.push('must not begin or end with a hyphen')
  return errs
}

/** A TCP/UDP port number. */
export function portNumberErrors(value: number): string[] {
  return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ['must be between 1 and 65535, inclusive']
}

/** Longest name generateName makes (63, a label's limit) minus the random part. */
export const MAX_GENERATED_NAME_LENGTH = 63 - 5

/**
 * The generateName prefix of a controller's pods (controller_utils.go getPodsPrefix): the
 * controller's name and a dash, unless that is no valid name prefix (over 253 characters).
 */
export function podsPrefix(controllerName: string): string {
  // Validated as a prefix, the trailing dash stands for a letter: only the length can fail.
  const prefix = `${controllerName}-`
  return prefix.length > 253 ? controllerName : prefix
}

/**
 * A name from a generateName prefix and five random characters (apiserver's
 * SimpleNameGenerator): the prefix is cut to 58 characters first, so the name fits a label.
 *
 * @example
 * generateName('web-5d4f8c7b9-', 'x2k9q') // 'web-5d4f8c7b9-x2k9q'
 */
export function generateName(base: string, random: string): string {
  return `${base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base}${random}`
}
