#!/usr/bin/env bash
# Runs the release profile end to end, up to but not including the upload: signs with a
# throwaway GnuPG key, deploys into target/staging (a file repository, which writes the
# .md5/.sha1 checksums as a remote one would), then checks that every published artifact has
# what Maven Central requires. Exits non-zero, naming what is missing, otherwise.
#
# Usage: scripts/release-dry-run.sh [extra mvn args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
staging="$root/target/staging"

# Published: the parent and the BOM (POMs only) and the library modules (jars).
pom_only=(latchkey-parent latchkey-bom)
jars=(auth-core auth-session auth-token auth-redis auth-account auth-oidc auth-passkey auth-password auth-web auth-servlet auth-micrometer)
never=(examples examples-spring-boot benchmarks)

command -v gpg >/dev/null || { echo "release-dry-run: gpg is not installed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "release-dry-run: python3 is not installed" >&2; exit 1; }

GNUPGHOME="$(mktemp -d)"
export GNUPGHOME
cleanup() {
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$GNUPGHOME"
}
trap cleanup EXIT
chmod 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key 'Latchkey release dry run <release-dry-run@latchkey.invalid>' ed25519 sign 1d 2>/dev/null
key=$(gpg --batch --list-secret-keys --with-colons 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
echo "release-dry-run: signing with throwaway key $key"

rm -rf "$staging"
mvn -B -q -Dstyle.color=never -Prelease -DskipTests -Dgpg.keyname="$key" \
  -DaltDeploymentRepository="staging::file:$staging" "$@" \
  clean deploy

python3 - "$staging" "${pom_only[*]}" "${jars[*]}" "${never[*]}" <<'PY'
import glob, os, subprocess, sys
import xml.etree.ElementTree as ET

staging, pom_only, jars, never = sys.argv[1], *(a.split() for a in sys.argv[2:])
NS = {"m": "http://maven.apache.org/POM/4.0.0"}
problems, rows = [], []

def version_dirs(artifact):
    return [d for d in glob.glob(f"{staging}/dev/latchkey/{artifact}/*") if os.path.isdir(d)]

def pom_of(artifact):
    dirs = version_dirs(artifact)
    poms = [p for d in dirs for p in glob.glob(f"{d}/*.pom")]
    return poms[0] if len(poms) == 1 else None

def text(root, path):
    node = root.find(path, NS)
    return None if node is None else "".join(node.itertext()).strip()

METADATA = {
    "name": "m:name",
    "description": "m:description",
    "url": "m:url",
    "licenses": "m:licenses/m:license/m:name",
    "scm": "m:scm/m:connection",
    "developers": "m:developers/m:developer/m:name",
}

def metadata(pom_path, seen=()):
    """Each field from the POM itself or, as Maven inherits it, from its parent's POM."""
    root = ET.parse(pom_path).getroot()
    found = {k: text(root, p) for k, p in METADATA.items()}
    parent = root.find("m:parent/m:artifactId", NS)
    if parent is not None and parent.text not in seen:
        parent_pom = pom_of(parent.text)
        if parent_pom is None:
            problems.append(f"{os.path.basename(pom_path)}: parent {parent.text} is not staged")
        else:
            inherited = metadata(parent_pom, seen + (parent.text,))
            for k in ("url", "licenses", "scm", "developers"):
                found[k] = found[k] or inherited[k]
    return found

for artifact in never:
    if version_dirs(artifact):
        problems.append(f"{artifact}: staged, but it must never be published")

for artifact in pom_only + jars:
    pom = pom_of(artifact)
    if pom is None:
        problems.append(f"{artifact}: no single POM staged")
        continue
    base = pom[: -len(".pom")]
    files = [pom]
    if artifact in jars:
        files += [base + ".jar", base + "-sources.jar", base + "-javadoc.jar"]
    files += [f for f in glob.glob(base + "-tests.jar")]
    for f in files:
        for suffix in ("", ".asc", ".md5", ".sha1"):
            if not os.path.isfile(f + suffix):
                problems.append(f"{artifact}: missing {os.path.basename(f + suffix)}")
        if os.path.isfile(f) and os.path.isfile(f + ".asc"):
            verify = subprocess.run(["gpg", "--batch", "--verify", f + ".asc", f],
                                    capture_output=True)
            if verify.returncode != 0:
                problems.append(f"{artifact}: bad signature on {os.path.basename(f)}")
    fields = metadata(pom)
    for k, v in fields.items():
        if not v:
            problems.append(f"{artifact}: POM has no {k}")
    rows.append((artifact, len(files), " ".join(os.path.basename(f)[len(os.path.basename(base)):] or ".pom"
                                                for f in files if os.path.isfile(f))))

print(f"{'artifact':<16} {'files':>5}  signed and checksummed")
for artifact, n, kinds in rows:
    print(f"{artifact:<16} {n:>5}  {kinds}")
if problems:
    print("\nrelease-dry-run: FAILED", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print(f"\nrelease-dry-run: OK: {len(rows)} artifacts in {staging}, each with jar/sources/javadoc"
      " as applicable, .asc signatures, .md5/.sha1 checksums and complete POM metadata")
PY
