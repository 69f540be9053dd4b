#!/usr/bin/env python3
"""world_svg.py COUNTRIES_110M_JSON OUT_SVG: converts the Natural Earth 1:110m country outlines
(TopoJSON from the npm package world-atlas@2, file countries-110m.json) into the small
equirectangular SVG that `tieup serve` draws its map on (crates/serve/assets/world.svg).
Run once; the output is committed. Antarctica is left out. Projection (also in
crates/serve/src/map.rs): x = (lon + 180) * K, y = (84 - lat) * K with K = 1000 / 360,
so the view box is 1000 x 389 (latitudes 84 N to 56 S)."""

import json
import sys

K = 1000 / 360


def decode_arcs(topo):
    scale, translate = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(arcs, indices):
    points = []
    for i in indices:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(r):
    """Makes a ring continuous across the antimeridian; returns it and, when it crosses,
    a copy shifted by 360 degrees so that both sides of the map show their part."""
    out = [r[0]]
    for lon, lat in r[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        out.append((lon, lat))
    rings = [out]
    if max(p[0] for p in out) > 180:
        rings.append([(lon - 360, lat) for lon, lat in out])
    if min(p[0] for p in out) < -180:
        rings.append([(lon + 360, lat) for lon, lat in out])
    return rings


def path(rings):
    parts = []
    for r in [u for r0 in rings for u in unwrap(r0)]:
        coords = []
        last = None
        for lon, lat in r:
            p = (round((lon + 180) * K, 1), round((84 - lat) * K, 1))
            if p != last:
                coords.append(f"{p[0]:g},{p[1]:g}")
                last = p
        if len(coords) >= 3:
            parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


def main():
    topo = json.load(open(sys.argv[1]))
    arcs = decode_arcs(topo)
    out = ['<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 389">',
           "<!-- Natural Earth 1:110m admin-0 countries (public domain), via the npm package "
           "world-atlas@2.0.2 (ISC, (c) Michael Bostock); converted by scripts/world_svg.py -->",
           '<g fill="#e3e7ec" stroke="#ffffff" stroke-width="0.5">']
    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("properties", {}).get("name") == "Antarctica" or g["type"] is None:
            continue
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        rings = [ring(arcs, r) for polygon in polygons for r in polygon]
        d = path(rings)
        if d:
            out.append(f'<path d="{d}"/>')
    out.append("</g></svg>")
    open(sys.argv[2], "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
