#!/usr/bin/env python3
"""Where the wasm bytes go: code size per crate and the largest functions, from a module's name section.

    python3 tools/wasm_breakdown.py FILE.wasm [--top N]

Reads the code section (each function body's size), the data section (static data: strings, tables) and the
`name` custom section (function names, which rustc/wasm-ld write demangled). A function is charged to the crate
named first in its path; `<T as Trait>::f` is charged to T's crate and a generic instantiation to the crate
that defines the generic (so e.g. `core::fmt` code monomorphized for claimcheck types counts under `core`).
Sizes are shallow bytes of code (no retained/dominator sizes: use twiggy for those). Run by
scripts/wasm-breakdown.sh, which builds a release wasm that keeps its names.
"""
import re
import sys
from collections import defaultdict


def uleb(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def read_name(buf, pos):
    n, pos = uleb(buf, pos)
    return buf[pos : pos + n].decode("utf-8", "replace"), pos + n


def parse(buf):
    if buf[:4] != b"\0asm":
        sys.exit("not a wasm module")
    pos = 8
    imported_funcs = 0
    bodies = []  # sizes of defined functions, in order
    data = 0
    names = {}
    sections = defaultdict(int)
    while pos < len(buf):
        sid = buf[pos]
        size, start = uleb(buf, pos + 1)
        end = start + size
        if sid == 0:
            name, p = read_name(buf, start)
            sections["custom:" + name] += end - pos
            if name == "name":
                while p < end:
                    sub, p = buf[p], p + 1
                    sub_size, p = uleb(buf, p)
                    sub_end = p + sub_size
                    if sub == 1:
                        count, q = uleb(buf, p)
                        for _ in range(count):
                            idx, q = uleb(buf, q)
                            fname, q = read_name(buf, q)
                            names[idx] = fname
                    p = sub_end
        else:
            label = {1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
                     8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}.get(sid, str(sid))
            sections[label] += end - pos
            if sid == 2:
                count, p = uleb(buf, start)
                for _ in range(count):
                    _, p = read_name(buf, p)
                    _, p = read_name(buf, p)
                    kind = buf[p]
                    p += 1
                    if kind == 0:
                        imported_funcs += 1
                        _, p = uleb(buf, p)
                    elif kind == 1:
                        p += 1
                        flags, p = uleb(buf, p)
                        _, p = uleb(buf, p)
                        if flags & 1:
                            _, p = uleb(buf, p)
                    elif kind == 2:
                        flags, p = uleb(buf, p)
                        _, p = uleb(buf, p)
                        if flags & 1:
                            _, p = uleb(buf, p)
                    elif kind == 3:
                        p += 2
                    else:
                        _, p = uleb(buf, p)
            elif sid == 10:
                count, p = uleb(buf, start)
                for _ in range(count):
                    body, q = uleb(buf, p)
                    bodies.append(q - p + body)
                    p = q + body
            elif sid == 11:
                data = size
        pos = end
    funcs = [(names.get(imported_funcs + i, f"func[{imported_funcs + i}]"), s) for i, s in enumerate(bodies)]
    return funcs, data, dict(sections), len(names) > 0


LEGACY = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$RF$": "&", "$LP$": "(", "$RP$": ")", "$C$": ",",
          "$BP$": "*", "$u7b$": "{", "$u7d$": "}", "$u5b$": "[", "$u5d$": "]", "..": "::"}


def crate_of(name):
    for k, v in LEGACY.items():
        name = name.replace(k, v)
    name = re.sub(r"\[[0-9a-f]{8,}\]", "", name)  # v0 mangling's crate disambiguators: core[c593...]
    name = name.lstrip("<&*( ").removeprefix("dyn ").removeprefix("mut ").removeprefix("const ")
    prim = re.match(r"(bool|char|str|[iuf](8|16|32|64|128|size)|T|\[)[> ]", name)
    if prim:
        # `<f64 as core::fmt::Display>::fmt`: charge the trait's crate; `<char>::f`: core.
        trait = re.match(r"[^ >]* as ([A-Za-z_][A-Za-z0-9_]*)::", name)
        return trait.group(1) if trait else "core"
    m = re.match(r"[A-Za-z_][A-Za-z0-9_]*", name)
    if not m:
        return "(other)"
    first = m.group(0)
    if "::" not in name[: m.end() + 2]:
        return "(no path: compiler-builtins, allocator shims, exports)"
    return first


def short(name, width=100):
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)
    name = re.sub(r"\[[0-9a-f]{8,}\]", "", name)
    return name if len(name) <= width else name[: width - 1] + "…"


def main():
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    buf = open(args[0], "rb").read()
    funcs, data, sections, named = parse(buf)
    if not named:
        print("warning: no name section: build with names kept (scripts/wasm-breakdown.sh does)")
    code = sum(s for _, s in funcs)
    print(f"{args[0]}: {len(buf)} bytes; code {code} bytes in {len(funcs)} functions; data {data} bytes")
    print("sections: " + ", ".join(f"{k} {v}" for k, v in sorted(sections.items(), key=lambda kv: -kv[1])))
    by_crate = defaultdict(lambda: [0, 0])
    for name, size in funcs:
        c = by_crate[crate_of(name)]
        c[0] += size
        c[1] += 1
    print(f"\ncode by crate (shallow bytes; {code} total)")
    print(f"{'crate':<34} {'bytes':>9} {'share':>7} {'functions':>10}")
    for crate, (size, n) in sorted(by_crate.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"{crate:<34} {size:>9} {100 * size / max(code, 1):>6.1f}% {n:>10}")
    mods = defaultdict(int)
    for name, size in funcs:
        if crate_of(name) == "claimcheck":
            path = re.sub(r"^[<&*( ]+", "", name).split("<")[0].split(" ")[0].split("::")
            mods["::".join(path[:3]) if path[1:2] == ["policy"] or path[1:2] == ["ui"] else "::".join(path[:2])] += size
    if mods:
        print("\nclaimcheck's own code by module")
        for mod, size in sorted(mods.items(), key=lambda kv: -kv[1])[:top]:
            print(f"{mod:<42} {size:>9}")
    print(f"\nlargest {top} functions")
    for name, size in sorted(funcs, key=lambda f: -f[1])[:top]:
        print(f"{size:>9}  {short(name)}")


if __name__ == "__main__":
    main()
