"""Developer tools that are neither tests nor benchmarks: the offscreen screenshot renderers."""
