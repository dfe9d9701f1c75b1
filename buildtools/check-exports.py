#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Checks the installed API of net_ofld (meson test "exports"):
#  1. the public headers compile on their own: copied into an empty
#     directory, `#include <rte_pmd_ofld.h>` with only that directory and
#     `pkg-config --cflags libdpdk`, in gnu11 (what DPDK's headers need) with
#     -Wall -Wextra -Werror;
#  2. librte_net_ofld.so exports exactly the functions those headers declare
#     (gcc -aux-info lists them) and their extern variables: nothing
#     missing (a user's program would not link), nothing more (internals);
#  3. with a C++ compiler (c++ or CXX), a C++17 program that takes the
#     address of every declared function links against C names (the
#     headers say extern "C"): nothing comes out mangled.
#
#   check-exports.py LIBRTE_NET_OFLD.SO HEADER...
# CC chooses the compiler (default: cc; gcc instead of clang). Exit 77
# (skipped) without gcc.
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

EXTERN_VAR = re.compile(r'^extern\s+[\w\s]+?\b(\w+)\s*;', re.M)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit('check-exports: %s failed:\n%s%s' %
                 (' '.join(cmd), r.stdout, r.stderr))
    return r.stdout


def compiler():
    """CC, or gcc when CC is clang (which has no -aux-info)."""
    cc = shlex.split(os.environ.get('CC', 'cc'))
    if 'clang' in run(cc + ['--version']):
        if shutil.which('gcc') is None:
            print('check-exports: skipped: needs gcc (-aux-info)')
            sys.exit(77)
        cc = ['gcc']
    return cc


def declared(headers, tmp):
    """Functions and variables the headers declare, compiled alone."""
    for h in headers:
        shutil.copy(h, tmp)
    src = os.path.join(tmp, 'use.c')
    aux = os.path.join(tmp, 'aux.txt')
    with open(src, 'w') as f:
        f.write('#include <rte_pmd_ofld.h>\n')
    cc = compiler()
    cflags = shlex.split(run(['pkg-config', '--cflags', 'libdpdk']))
    run(cc + cflags + ['-std=gnu11', '-Wall', '-Wextra', '-Werror',
                       '-I', tmp, '-aux-info', aux, '-fsyntax-only', src])
    names = set()
    mine = tuple(os.path.join(tmp, os.path.basename(h)) for h in headers)
    for line in open(aux):
        # /* FILE:LINE:NC */ extern int name (args); /* ... */
        m = re.match(r'/\* (\S+?):\d+:\w+ \*/ (.*)', line)
        if m is None or not m.group(1).startswith(mine):
            continue
        decl = m.group(2)
        if decl.startswith('static '):
            continue    # inline: nothing to export
        names.add(re.search(r'(\w+) \(', decl).group(1))
    for h in headers:
        names.update(EXTERN_VAR.findall(open(h).read()))
    return names


def cxx_names(headers, names, tmp):
    """The undefined symbols of a C++ object that uses every function
    declared; None without a C++ compiler."""
    cxx = shlex.split(os.environ.get('CXX', 'c++'))
    if shutil.which(cxx[0]) is None:
        print('check-exports: no C++ compiler, the C++ check is skipped')
        return None
    funcs = sorted(n for n in names
                   if n not in EXTERN_VAR.findall(
                       ''.join(open(h).read() for h in headers)))
    src = os.path.join(tmp, 'use.cpp')
    obj = os.path.join(tmp, 'use.o')
    with open(src, 'w') as f:
        f.write('#include <rte_pmd_ofld.h>\nvoid *ofld_all[] = {\n' +
                ''.join('\t(void *)&%s,\n' % n for n in funcs) + '};\n')
    cflags = shlex.split(run(['pkg-config', '--cflags', 'libdpdk']))
    run(cxx + cflags + ['-std=c++17', '-I', tmp, '-c', src, '-o', obj])
    return set(run(['nm', '-u', obj]).split()) - {'U'}


def exported(so):
    out = run(['nm', '-D', '--defined-only', so])
    # "ADDR TYPE NAME@@VERSION"; type A is the version node itself
    return {f[2].split('@')[0] for f in map(str.split, out.splitlines())
            if len(f) == 3 and f[1] != 'A'}


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: check-exports.py LIBRTE_NET_OFLD.SO HEADER...')
    so, headers = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        want = declared(headers, tmp)
        cxx = cxx_names(headers, want, tmp)
    have = exported(so)
    rc = 0
    for name in sorted((cxx or set()) - want):
        print('C++: a symbol with no C linkage: %s' % name)
        rc = 1
    for name in sorted(want - have):
        print('declared in the public headers, not exported: %s' % name)
        rc = 1
    for name in sorted(have - want):
        print('exported, not in the public headers: %s' % name)
        rc = 1
    print('%s: %d symbols exported, %d declared, headers self-contained' %
          (os.path.basename(so), len(have), len(want)))
    return rc


if __name__ == '__main__':
    sys.exit(main())
