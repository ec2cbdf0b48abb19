// Reading a cloud assembly (what `cdk synth` writes) with plain JSON: the stacks, their templates, the
// construct path of each resource, and a small evaluator of the intrinsic functions that connect a
// cache to its users, secrets, parameter group and consumers. No aws-cdk-lib.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NAME_PROPERTIES } from '../private/transitions';
import { LocalCacheError } from './errors';

/** A resource of a template. */
export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** One stack of the assembly. */
export interface Stack {
  readonly name: string;
  readonly resources: Record<string, Resource>;
  readonly outputs: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
  /** Logical id -> construct path (`CacheStack/Cache/Resource`). */
  readonly paths: Map<string, string>;
}

export interface Assembly {
  readonly directory: string;
  readonly stacks: Stack[];
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LocalCacheError(`${what}: ${file} ${code === 'ENOENT' ? 'does not exist' : `is not JSON (${(e as Error).message.split('\n')[0]})`}.`);
  }
}

/** Reads the stacks of a cloud assembly (nested assemblies of stages included). */
export function readAssembly(directory: string): Assembly {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new LocalCacheError(`No cloud assembly at ${directory}: the directory does not exist (run cdk synth, which writes cdk.out, `
      + 'or give it with --app).');
  }
  const stacks = readStacks(directory);
  if (stacks.length === 0) {
    throw new LocalCacheError(`Not a cloud assembly with stacks: ${path.join(directory, 'manifest.json')} lists no CloudFormation stack.`);
  }
  return { directory, stacks };
}

type MetadataEntries = Record<string, Array<{ type?: string; data?: unknown }>>;

function readStacks(dir: string): Stack[] {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new LocalCacheError(`Not a cloud assembly: ${dir} has no manifest.json (give the directory cdk synth writes, cdk.out).`);
  }
  type Artifact = { type?: string; properties?: Record<string, unknown>; metadata?: MetadataEntries; additionalMetadataFile?: string };
  const manifest = readJson(manifestPath, 'Not a cloud assembly') as { artifacts?: Record<string, Artifact> };
  if (typeof manifest !== 'object' || manifest === null || typeof manifest.artifacts !== 'object') {
    throw new LocalCacheError(`Not a cloud assembly: ${manifestPath} has no artifacts.`);
  }
  const stacks: Stack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const name = String(artifact.properties?.stackName ?? id);
      const file = path.join(dir, String(artifact.properties?.templateFile ?? `${id}.template.json`));
      const template = readJson(file, `The template of the stack ${name} cannot be read`) as {
        Resources?: Record<string, Resource>; Outputs?: Stack['outputs'];
      };
      const metadata: MetadataEntries = { ...(artifact.metadata ?? {}) };
      if (artifact.additionalMetadataFile) {
        Object.assign(metadata, readJson(path.join(dir, artifact.additionalMetadataFile), `The metadata of the stack ${name} cannot be read`));
      }
      const paths = new Map<string, string>();
      for (const [constructPath, entries] of Object.entries(metadata)) {
        for (const entry of entries ?? []) {
          if (entry.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') {
            paths.set(entry.data, constructPath.replace(/^\//, ''));
          }
        }
      }
      const resources = template.Resources ?? {};
      for (const [logicalId, resource] of Object.entries(resources)) {
        const p = resource.Metadata?.['aws:cdk:path'];
        if (!paths.has(logicalId) && typeof p === 'string') {
          paths.set(logicalId, p);
        }
      }
      stacks.push({ name, resources, outputs: template.Outputs ?? {}, paths });
    } else if (artifact.type === 'cdk:cloud-assembly') {
      stacks.push(...readStacks(path.join(dir, String(artifact.properties?.directoryName ?? id))));
    }
  }
  return stacks;
}

/** The construct path of a resource without its trailing `/Resource`, or `<stack>/<logicalId>`. */
export function resourceId(stack: Stack, logicalId: string): string {
  const p = stack.paths.get(logicalId);
  return p ? p.replace(/\/(Resource|Default)$/, '') : `${stack.name}/${logicalId}`;
}

/** A value of the template that is known only once deployed, kept as a marker while evaluating. */
export interface Reference {
  readonly stack: string;
  readonly logicalId: string;
  /** `Ref`, or the attribute of `Fn::GetAtt`. */
  readonly attribute: string;
}

const MARK = '\u0000ref:';

/** The marker string of a reference (it survives `Fn::Join`). */
export function marker(ref: Reference): string {
  return `${MARK}${JSON.stringify([ref.stack, ref.logicalId, ref.attribute])}\u0000`;
}

/** The references in an evaluated string, with the text between them. */
export function references(value: string): Reference[] {
  const found: Reference[] = [];
  for (const m of value.matchAll(/\u0000ref:(\[[^\u0000]*\])\u0000/g)) {
    const [stack, logicalId, attribute] = JSON.parse(m[1]) as string[];
    found.push({ stack, logicalId, attribute });
  }
  return found;
}

/** Replaces each reference marker in `value` by what `replace` returns for it. */
export function replaceReferences(value: string, replace: (ref: Reference) => string): string {
  return value.replace(/\u0000ref:(\[[^\u0000]*\])\u0000/g, (_, json: string) => {
    const [stack, logicalId, attribute] = JSON.parse(json) as string[];
    return replace({ stack, logicalId, attribute });
  });
}

/** Thrown by `evaluate` for an intrinsic function it cannot reduce to a string. */
export class Unresolvable extends Error {}


/**
 * Evaluates a template value to a string: literals, `Ref` and `Fn::GetAtt` (as reference markers, or
 * the physical name a resource sets), `Fn::Join`, `Fn::Select`, `Fn::ImportValue` (through the
 * exports of the other stacks). Anything else is `Unresolvable`.
 */
export function evaluate(assembly: Assembly, stack: Stack, value: unknown, depth = 0): string {
  if (depth > 20) {
    throw new Unresolvable('too deep');
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0];
      switch (fn) {
        case 'Ref': {
          const id = String(arg);
          const resource = stack.resources[id];
          if (!resource) {
            if (id === 'AWS::Region') return 'local';
            if (id === 'AWS::AccountId') return '000000000000';
            if (id === 'AWS::Partition') return 'aws';
            if (id === 'AWS::URLSuffix') return 'amazonaws.com';
            throw new Unresolvable(`Ref ${id}`);
          }
          const nameProperty = NAME_PROPERTIES[resource.Type];
          const name = nameProperty ? resource.Properties?.[nameProperty] : undefined;
          if (typeof name === 'string') {
            return name;
          }
          return marker({ stack: stack.name, logicalId: id, attribute: 'Ref' });
        }
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/);
          if (!stack.resources[id]) {
            throw new Unresolvable(`Fn::GetAtt ${id}`);
          }
          return marker({ stack: stack.name, logicalId: id, attribute });
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          if (!Array.isArray(parts)) {
            throw new Unresolvable('Fn::Join of a list that is not literal');
          }
          return parts.map(p => evaluate(assembly, stack, p, depth + 1)).join(String(separator));
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          if (!Array.isArray(list)) {
            throw new Unresolvable('Fn::Select of a list that is not literal');
          }
          return evaluate(assembly, stack, list[Number(evaluate(assembly, stack, index, depth + 1))], depth + 1);
        }
        case 'Fn::ImportValue': {
          const name = evaluate(assembly, stack, arg, depth + 1);
          for (const other of assembly.stacks) {
            for (const output of Object.values(other.outputs)) {
              if (output.Export?.Name !== undefined && evaluateOrUndefined(assembly, other, output.Export.Name) === name) {
                return evaluate(assembly, other, output.Value, depth + 1);
              }
            }
          }
          throw new Unresolvable(`Fn::ImportValue ${name}: no stack of the assembly exports it`);
        }
      }
      throw new Unresolvable(fn);
    }
  }
  throw new Unresolvable(JSON.stringify(value)?.slice(0, 60) ?? String(value));
}

/** `evaluate`, or undefined for an unresolvable value. */
export function evaluateOrUndefined(assembly: Assembly, stack: Stack, value: unknown): string | undefined {
  try {
    return evaluate(assembly, stack, value);
  } catch (e) {
    if (e instanceof Unresolvable) {
      return undefined;
    }
    throw e;
  }
}

/** The stack of a name (throws when the assembly has none). */
export function stackNamed(assembly: Assembly, name: string): Stack {
  const stack = assembly.stacks.find(s => s.name === name);
  if (!stack) {
    throw new LocalCacheError(`No stack ${name} in the assembly`);
  }
  return stack;
}
