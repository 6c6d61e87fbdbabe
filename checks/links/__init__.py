"""The `link` check and its pure parts: key normalisation, image and resume fingerprints, exact and
near-duplicate findings, the identity cluster. State (keys, index, allowlist) lives in `links`."""
