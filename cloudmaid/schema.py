"""JSON Schema assembled from the registries, and friendly rendering of its errors."""


def problems(specs):
    out = []
    seen = {}
    for spec in specs:
        name = spec.name
        if name in seen:
            out.append(f"{spec.source.file}:{spec.line('name')}: policy '{name}': name: duplicate "
                       f"policy name (first defined at line {seen[name]})")
        else:
            seen[name] = spec.line("name")
    return out
