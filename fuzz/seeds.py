#!/usr/bin/env python3
"""Regenerate the seed corpora under fuzz/corpus/<target>/ from the test fixtures (run from anywhere).

Seeds are small and real: tokens built from the fixture claim sets, policies from tests/fixtures/<platform>/,
hand-written AWS/GCP documents when that platform's fixtures are missing, and share-link fragments.
Fields of multi-input targets are separated by 0x1f (see fuzz/src/lib.rs)."""
import base64, glob, json, os, shutil, hashlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
SEP = "\x1f"
NOW = "1764000000"

def b64(s):
    return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")

ORG = "5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e"
PROJECT = "b1c2d3e4-f5a6-4b7c-8d9e-0a1b2c3d4e5f"
USER = "c0ffee00-1234-4abc-9def-0123456789ab"
V2 = json.load(open(os.path.join(ROOT, "tests/fixtures/vault/cases.json")))["base_claims"]
V1 = dict(V2, sub=f"org/{ORG}/project/{PROJECT}/user/{USER}")
HEADER = {"alg": "RS256", "kid": "2f0c1f8e-6a1d-4b7e-9a55-3c2b1d0e9f8a", "typ": "JWT"}
SIG = b64("s" * 256)

def jwt(claims, header=HEADER, sig=SIG):
    return f"{b64(json.dumps(header))}.{b64(json.dumps(claims))}.{sig}"

TOKENS = {
    "v2": jwt(V2),
    "v1": jwt(V1),
    "expired": jwt(dict(V2, exp=1700000000, iat=1699996400)),
    "bearer": "Bearer " + jwt(V2),
    "export": f'export CIRCLE_OIDC_TOKEN_V2="{jwt(V2)}"\n',
    "no-signature": jwt(V2, sig=""),
    "header-only": b64(json.dumps(HEADER)),
    "jwe": ".".join([b64(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM"})), "a", "b", "c", "d"]),
    "alg-none": jwt(V2, header={"alg": "none"}, sig=""),
    "json-pasted": json.dumps(V2),
    "standard-base64": jwt(dict(V2, sub=V2["sub"] + "?>>")).replace("-", "+").replace("_", "/"),
    "aud-array": jwt(dict(V2, aud=[ORG, "sts.amazonaws.com"])),
    "odd-types": jwt(dict(V2, exp="soon", aud=7, sub=None)),
}

AWS = {
    "allow-sub-like": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"oidc.circleci.com/org/{ORG}:aud": ORG},
                      "StringLike": {f"oidc.circleci.com/org/{ORG}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}}}]},
    "deny-and-sets": {"Version": "2012-10-17", "Statement": [
        {"Sid": "Main", "Effect": "Allow", "Principal": {"Federated": [f"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}"]},
         "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
         "Condition": {"ForAnyValue:StringLike": {f"oidc.circleci.com/org/{ORG}:sub": ["*/vcs-ref/refs/heads/main", "*/vcs-ref/refs/tags/v*"]},
                       "StringEqualsIfExists": {f"oidc.circleci.com/org/{ORG}:aud": [ORG]},
                       "Null": {f"oidc.circleci.com/org/{ORG}:sub": "false"}}},
        {"Effect": "Deny", "Principal": "*", "NotAction": "sts:GetCallerIdentity",
         "Condition": {"StringNotLike": {f"oidc.circleci.com/org/{ORG}:sub": "org/*/project/${aws:username}/*"}}}]},
    "get-role": {"Role": {"RoleName": "deploy", "Arn": "arn:aws:iam::123456789012:role/deploy",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": {"Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"oidc.circleci.com/org/{ORG}:aud": "sts.amazonaws.com"}}}}}},
}
GCP = {
    "provider": {"name": f"projects/123/locations/global/workloadIdentityPools/circleci/providers/org", "state": "ACTIVE",
        "attributeMapping": {"google.subject": "assertion.sub", "attribute.project_id": "assertion['oidc.circleci.com/project-id']",
                             "attribute.ref": "assertion['oidc.circleci.com/vcs-ref']"},
        "attributeCondition": f"assertion['oidc.circleci.com/project-id'] == '{PROJECT}' && assertion['oidc.circleci.com/vcs-ref'].startsWith('refs/heads/') && !(assertion.sub in ['x', 'y'])",
        "oidc": {"issuerUri": f"https://oidc.circleci.com/org/{ORG}", "allowedAudiences": [ORG]}},
    "cel-heavy": {"attributeMapping": {"google.subject": "assertion.sub.extract('org/{org}/')", "attribute.n": "size(assertion.aud) > 0 ? 'a' : \"b\""},
        "attributeCondition": "has(assertion.sub) && assertion.sub.matches('^org/[0-9a-f-]+/project/.*$') || (1 + 2 * 3 > 6u && [1,2][0] == 1)",
        "oidc": {"issuerUri": f"https://oidc.circleci.com/org/{ORG}"}},
}

def placeholders(text):
    # tests/aws_corpus.rs's placeholders, filled with the claims the fuzz targets use.
    for k, v in [("{ARN}", f"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}"),
                 ("{P}", f"oidc.circleci.com/org/{ORG}"), ("{ORG}", ORG), ("{PROJECT}", PROJECT),
                 ("{USER}", USER), ("{NOW}", NOW), ("{EXP}", "1764003540"), ("{IAT}", "1763999940")]:
        text = text.replace(k, v)
    return text

def cases(platform):
    out = {}
    for f in sorted(glob.glob(os.path.join(ROOT, "tests/fixtures", platform, "*.json"))):
        data = json.load(open(f))
        if isinstance(data, dict):
            data = data.get("cases", [])
        if not isinstance(data, list):
            continue
        for c in data:
            p = c.get("policy") if isinstance(c, dict) else None
            if p is None:
                continue
            text = p if isinstance(p, str) else json.dumps(p, indent=1)
            out[c.get("name", str(len(out)))] = placeholders(text)
    return out

def policies(platform, extra):
    found = cases(platform)
    for k, v in extra.items():
        found.setdefault("hand-" + k, json.dumps(v, indent=1))
    return found

def write(target, items):
    d = os.path.join(OUT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for text in items:
        name = hashlib.sha1(text.encode()).hexdigest()[:16]
        open(os.path.join(d, name), "w").write(text)

pol = {p: policies(p, extra) for p, extra in [("aws", AWS), ("gcp", GCP), ("vault", {}), ("azure", {})]}
write("token_decode", TOKENS.values())
# JSON as written by hand: a comment after a value, a block comment, a trailing comma (read without them).
hand = json.dumps(AWS["allow-sub-like"], indent=1).split("\n")
hand[3] += " // the job's role"
hand.insert(2, "/* CircleCI */")
JSONC = "\n".join(hand).replace('"\n    }', '",\n    }', 1)
for p in pol:
    write("policy_" + p, list(pol[p].values()) + ([JSONC] if p == "aws" else []))
# Policy + claims: each platform's first few policies against several claim sets (JSON, or a token).
mixed = []
for p, items in pol.items():
    for i, text in enumerate(list(items.values())[:6]):
        claims = [json.dumps(V2), json.dumps(V1), TOKENS["expired"], json.dumps(dict(V2, aud=[1, None], sub=7))][i % 4]
        mixed.append(SEP.join([text, claims, NOW]))
write("policy_claims", mixed)
frags = [
    f"#token={TOKENS['v2']}&policy={b64(pol['aws']['hand-allow-sub-like'])}&at={NOW}",
    f"token={TOKENS['v1']}&at=1764000000",
    f"#policy={b64(json.dumps(AWS['deny-and-sets']))}",
    f"#token={TOKENS['v2'].rsplit('.', 1)[0]}.&keep=1&sr=1&redacted=sub.user,aud&format=json&tab=claims&example=deny",
    f"#error={b64('An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation')}&policy=e30%3D",
    "#v1.q1YqUbJSKkktLlGyMjQyMTI1NDMwMDAwMDcwsDQ3MTM1MDYwNDAAAA",
    "#v9.abc", "#", "",
]
write("share_decode", frags)
# The scrubber: a flags byte (bit 0 keep the signature, bits 1-3 redact sub.user, vcs-ref, job-id), then token
# text in the forms people paste (wrapped, spaced, standard base64, several tokens, inside other text).
v1, v2 = TOKENS["v1"], TOKENS["v2"]
h, pl, sg = v1.split(".")
scrub = []
for flags in ["\x00", "\x01", "\x02", "\x0e", "\x03"]:
    for text in [
        v1,
        "\n".join(v1[i:i + 76] for i in range(0, len(v1), 76)),
        "\r\n".join(v2[i:i + 64] for i in range(0, len(v2), 64)),
        f"{h}.{pl}. {sg}",
        v1.replace("-", "+").replace("_", "/"),
        f"CIRCLE_OIDC_TOKEN={v1}\nCIRCLE_OIDC_TOKEN_V2={v2}\n",
        f'{{"role": "deploy", "jwt": "{v2}"}}',
        f"token: {v1}.",
    ]:
        scrub.append(flags + SEP + text)
write("share_scrub", scrub)
cel = []
for text in pol["gcp"].values():
    try:
        doc = json.loads(text)
    except ValueError:
        continue
    for d in [doc, doc.get("provider", {}) if isinstance(doc, dict) else {}]:
        if isinstance(d, dict):
            if isinstance(d.get("attributeCondition"), str):
                cel.append(d["attributeCondition"])
            if isinstance(d.get("attributeMapping"), dict):
                cel.extend(v for v in d["attributeMapping"].values() if isinstance(v, str))
cel += ["[1, 2u, 3.5, -4, 'a', \"b\", b'c', r'd', true, null][0] == 1", "{'a': [1]}.a.all(x, x > 0)",
        "assertion.sub.split('/').exists_one(s, s == 'org') ? int('7') % 2 : double(1) / 0.0",
        "attribute.ref.matches('^refs/(heads|tags)/')", "size(google.groups.filter(g, g.startsWith('a')).map(g, g + '!'))"]
cel += ["assertion.sub.matches('^org/[0-9a-f-]{36}/project/(?P<p>[^/]+)/user/')",
        "matches(assertion.aud, r'^\\w{8}(-\\w{4}){3}-\\w{12}$') && !attribute.ref.matches('(?i)dev')"]
write("cel", sorted(set(cel)))
# RE2 patterns and texts for `matches()`: `pattern\ntext`.
write("cel_regex", [
    "^refs/heads/(main|release/.+)$\nrefs/heads/release/1.2",
    "/vcs-origin/github\\.com/acme/[^/]+/vcs-ref/\norg/o/project/p/user/u/vcs-origin/github.com/acme/api/vcs-ref/refs/heads/main",
    "^[[:alpha:]][\\w.-]*\\b\\x41\\x{263A}a{2,3}?b*?(?:c|)+$\nmain.x-1A\u263aaabc",
    "(a|aa|b){20}(x|y)\n" + "a" * 200,
    "[^\\d\\s/]+\\Bz\\z\nab z",
])
# YAML: every platform's seed documents as block YAML (when PyYAML is there), and what people paste as YAML.
yml = [
    "attributeCondition: assertion['oidc.circleci.com/project-id'] == '" + PROJECT + "'\nattributeMapping:\n"
    "  google.subject: assertion.sub\nname: projects/1/locations/global/workloadIdentityPools/p/providers/c\n"
    "oidc:\n  allowedAudiences:\n  - " + ORG + "\n  issuerUri: https://oidc.circleci.com/org/" + ORG + "\nstate: ACTIVE\n",
    "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  OrgId:\n    Type: String\n    Default: " + ORG + "\n"
    "Resources:\n  Provider:\n    Type: AWS::IAM::OIDCProvider\n    Properties:\n      Url: !Sub https://oidc.circleci.com/org/${OrgId}\n"
    "  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: 2012-10-17\n"
    "        Statement:\n          - Effect: Allow\n            Principal: {Federated: !GetAtt Provider.Arn}\n"
    "            Action: [sts:AssumeRoleWithWebIdentity]\n            Condition:\n              StringLike:\n"
    "                \"oidc.circleci.com/org/" + ORG + ":sub\": !Sub 'org/${OrgId}/*' # any project\n",
    "a: |\n  literal\n   kept\nb: >-\n  folded\n\n  text\nc: \"esc \\u00e9 \\\"q\\\"\"\nd: 'it''s'\ne:\n- - x\n  - {k: [1, 2.5, ~, true]}\n",
]
try:
    import yaml
    for p in pol.values():
        # Texts that are not JSON (`vault read`'s table) have no YAML form.
        yml.extend(yaml.safe_dump(json.loads(t), sort_keys=False) for t in p.values() if t.lstrip()[:1] in "{[")
except ImportError:
    print("PyYAML is not installed: policy_yaml gets the hand-written seeds only")
write("policy_yaml", yml)
full = []
for i, (name, text) in enumerate([(k, v) for p in pol.values() for k, v in list(p.items())[:4]]):
    tok = list(TOKENS.values())[i % len(TOKENS)]
    err = ["", "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity",
           "AADSTS70021: No matching federated identity record found for presented assertion.",
           "Error making API request. Code: 400. Errors: * error validating claims: claim \"sub\" does not match any associated bound claim values"][i % 4]
    full.append(SEP.join([tok, text, err, NOW]))
write("analyze", full)
# Terraform HCL: the corpus's configurations, and the syntax's corners.
hcl = [c["hcl"] for c in json.load(open(os.path.join(ROOT, "tests/fixtures/hcl/cases.json")))["cases"]]
hcl += [
    'locals {\n  a = [for i, p in ["x", "y"] : "${i}-${p}" if p != "z"]\n  b = { for k, v in { a = 1 } : k => v... }\n}\n'
    'resource "t" "n" {\n  x = <<-EOT\n    ${local.a[0]} %{ if true }y%{ endif } $${lit}\n    EOT\n'
    '  y = local.b.a[0] * -2 >= 1 ? upper("a") : format("%s %d %q", "s", 3, "q")\n'
    '  dynamic "d" {\n    for_each = local.a\n    iterator = it\n    content {\n      v = it.value\n    }\n  }\n}\n',
    'assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity" }] })\n',
    'data "aws_iam_policy_document" "t" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n'
    '    principals {\n      type = "Federated"\n      identifiers = ["arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/o"]\n    }\n'
    '    condition {\n      test = "StringLike"\n      variable = "oidc.circleci.com/org/o:sub"\n      values = ["org/o/*"]\n    }\n  }\n}\n',
]
write("policy_hcl", hcl)
for t in sorted(os.listdir(OUT)):
    print(t, len(os.listdir(os.path.join(OUT, t))))
