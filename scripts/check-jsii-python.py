#!/usr/bin/env python3
"""Checks the Python module jsii-pacmak generated: it parses (ast), and it defines a class for every
class, struct, interface and enum of the jsii assembly, with the main constructs named explicitly.
Usage: check-jsii-python.py <path to .jsii> <path to the generated python/ directory>"""
import ast
import json
import pathlib
import sys
import tarfile

# The constructs a Python user reaches for first; each must be a class of cdk_elasticache, with a
# keyword-only `vpc` parameter where the TypeScript props have one.
MAIN_CONSTRUCTS = {
    'ReplicationGroup': ['scope', 'id', 'vpc'],
    'MemcachedCluster': ['scope', 'id', 'vpc'],
    'User': ['scope', 'id'],
    'UserGroup': ['scope', 'id'],
    'ParameterGroup': ['scope', 'id', 'engine'],
    'SubnetGroup': ['scope', 'id', 'vpc'],
}
OPTIONAL_CONSTRUCTS = {'ServerlessCache': ['scope', 'id', 'vpc']}  # once it lands (issue 15)

def main(assembly_path: str, python_dir: str) -> int:
    assembly = json.loads(pathlib.Path(assembly_path).read_text())
    package = pathlib.Path(python_dir, 'src', 'cdk_elasticache')
    source = (package / '__init__.py').read_text()
    tree = ast.parse(source)  # a syntax error fails here
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    problems = []
    expected = {fqn.split('.', 1)[1] for fqn in assembly['types'] if fqn.startswith('cdk-elasticache.') and '.' not in fqn.split('.', 1)[1]}
    missing = sorted(expected - set(classes))
    if missing:
        problems.append(f'no class for these jsii types: {", ".join(missing)}')
    constructs = dict(MAIN_CONSTRUCTS)
    constructs.update({k: v for k, v in OPTIONAL_CONSTRUCTS.items() if f'cdk-elasticache.{k}' in assembly['types']})
    for name, params in constructs.items():
        cls = classes.get(name)
        if cls is None:
            problems.append(f'no class {name}')
            continue
        init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == '__init__'), None)
        if init is None:
            problems.append(f'{name} has no __init__')
            continue
        names = [a.arg for a in init.args.args + init.args.kwonlyargs]
        absent = [p for p in params if p not in names]
        if absent:
            problems.append(f'{name}.__init__ lacks {", ".join(absent)} (has {", ".join(names)})')
    # The npm package jsii's runtime loads, with the compiled constructs and the assembly.
    tarballs = list((package / '_jsii').glob('*.jsii.tgz'))
    if len(tarballs) != 1:
        problems.append(f'expected one embedded npm tarball in _jsii/, found {len(tarballs)}')
    else:
        with tarfile.open(tarballs[0]) as tar:
            members = set(tar.getnames())
        for needed in ('package/.jsii', 'package/dist/lib/index.js'):
            if needed not in members:
                problems.append(f'the embedded tarball has no {needed}')
    if problems:
        for p in problems:
            print(f'== jsii python: FAILED: {p}', file=sys.stderr)
        return 1
    print(f'== jsii python: cdk_elasticache defines all {len(expected)} types of the assembly; '
          f'{", ".join(sorted(constructs))} take their props as keywords')
    return 0

if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
