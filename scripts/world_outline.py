"""Turn Natural Earth's 110m land TopoJSON (npm package world-atlas) into SVG path data for the partner map.

    python scripts/world_outline.py land-110m.json > templates/workshops/world_outline.svgpath

Equirectangular projection, two SVG units a degree: x = (lon + 180) * 2, y = (90 - lat) * 2.
"""

import json
import sys


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def unwrapped(points):
    """Longitudes made continuous: a ring crossing the antimeridian would otherwise be drawn across the whole map."""
    result = [points[0]]
    for lon, lat in points[1:]:
        previous = result[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        result.append((lon, lat))
    return result


def subpath(points):
    head, *tail = [((lon + 180) * 2, (90 - lat) * 2) for lon, lat in points]
    return f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in tail) + "Z"


def path_data(topology):
    arcs = decode_arcs(topology)
    parts = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points = ring_points(ring, arcs)
                if len(points) < 3:
                    continue
                points = unwrapped(points)
                parts.append(subpath(points))
                # The part beyond ±180° is drawn again on the other side of the map (the view clips the rest).
                if max(lon for lon, _lat in points) > 180:
                    parts.append(subpath([(lon - 360, lat) for lon, lat in points]))
                if min(lon for lon, _lat in points) < -180:
                    parts.append(subpath([(lon + 360, lat) for lon, lat in points]))
    return "".join(parts)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as source:
        sys.stdout.write(path_data(json.load(source)) + "\n")
