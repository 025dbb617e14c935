#!/usr/bin/env python3
"""Regenerate the built-in examples of the web app (token + trust configuration per example: an AWS trust
policy, a GCP provider, a Vault role or an Azure federated credential, in `<name>.policy.json`, or in
`<name>.policy.yaml` for the CloudFormation YAML template, `<name>.policy.tf` for the Terraform one).

Run from anywhere: `python3 static/examples/make.py`. Output is deterministic: the same files every run.
Tokens are realistic CircleCI OIDC tokens (RS256 header with a `kid`, CircleCI claims as documented) with a
FAKE signature (random-looking base64url bytes derived from the payload): they are not credentials.
The web app pins each example's evaluation time (`at`, see `EXAMPLES` in src/state.rs) inside the token's
lifetime, except `expired`, which is evaluated two hours after `exp`.
"""
import base64
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

ORG = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10"
PROJECT = "c4e9b7a2-61d3-4e8f-a0b5-2f7c9d1e3a64"
USER = "1b7d3e5f-9a2c-4b6e-8d0f-3c5a7e9b1d28"
ACCOUNT = "123456789012"
KID = "3f9c7a1e5b2d4c6a8e0f1b3d5a7c9e2f4b6d8a0c"
ISS = f"https://oidc.circleci.com/org/{ORG}"
PROVIDER = f"oidc.circleci.com/org/{ORG}"
IAT = 1795170000  # 2026-11-20 10:20:00 UTC
EXP = IAT + 3600
REPO = "github.com/acme-corp/deploy-tools"
REF = "refs/heads/main"
REPO_CASED = "github.com/Acme-Corp/deploy-tools"
FORK = "github.com/octo-contributor/deploy-tools"
FORK_REF = "refs/heads/fix-typo"
SERVER_HOST = "circleci.acme-corp.internal"
RELEASE_PROJECT = "9d4b2f6e-1a3c-4e5d-8f7a-0b2c4d6e8f13"

V1_SUB = f"org/{ORG}/project/{PROJECT}/user/{USER}"
V2_SUB = f"{V1_SUB}/vcs-origin/{REPO}/vcs-ref/{REF}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(sub: str, aud: str = ORG, vcs: bool = True, iss: str = ISS, repo: str = REPO, ref: str = REF) -> str:
    header = {"alg": "RS256", "kid": KID, "typ": "JWT"}
    claims = {
        "aud": aud,
        "exp": EXP,
        "iat": IAT,
        "iss": iss,
        "oidc.circleci.com/context-ids": ["6a0e2c4d-8b1f-4a3c-9e5d-7f2b4d6a8c01"],
        "oidc.circleci.com/job-id": "e5b3d1f9-7c2a-4e6b-8a0d-9f1c3e5b7d42",
        "oidc.circleci.com/org-id": ORG,
        "oidc.circleci.com/pipeline-definition-id": "0d2f4b6a-8c1e-4a3d-b5f7-9e1c3a5d7b20",
        "oidc.circleci.com/pipeline-id": "7a9c1e3b-5d2f-4b8a-9c6e-1f3d5b7a9c02",
        "oidc.circleci.com/project-id": PROJECT,
        "oidc.circleci.com/ssh-rerun": False,
        "oidc.circleci.com/vcs-origin": repo,
        "oidc.circleci.com/vcs-ref": ref,
        "oidc.circleci.com/workflow-id": "2c4e6a8b-0d1f-4e3a-a5c7-8b0d2f4a6c13",
        "sub": sub,
    }
    if not vcs:
        del claims["oidc.circleci.com/vcs-origin"]
        del claims["oidc.circleci.com/vcs-ref"]
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(claims, separators=(",", ":")).encode())
    # A fake 256-byte "signature": deterministic, obviously not a valid RSA signature of anything. The same for
    # every example, so that the page ships it once (gzip finds the repeats; random bytes do not compress).
    digest = b"".join(hashlib.sha256(f"claimcheck example {i}".encode()).digest() for i in range(8))
    return f"{h}.{p}.{b64url(digest)}"


def policy(conditions: dict, provider: str = PROVIDER) -> str:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCircleCI",
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{provider}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": conditions,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def as_json(doc: dict) -> str:
    return json.dumps(doc, indent=2) + "\n"


EXAMPLES = {
    # V1 token, V1 policy: allowed.
    "v1-allow": (
        token(V1_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG, f"{PROVIDER}:sub": V1_SUB}}),
    ),
    # The aws-cli orb sends $CIRCLE_OIDC_TOKEN_V2; the policy pins the V1 form with StringEquals.
    "v2-token-v1-policy": (
        token(V2_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG, f"{PROVIDER}:sub": V1_SUB}}),
    ),
    # `*` is a literal character under StringEquals.
    "star-in-stringequals": (
        token(V2_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG,
                                 f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}}),
    ),
    # The policy expects the project ID as audience; the token carries the org ID.
    "aud-mismatch": (
        token(V2_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": PROJECT},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}}),
    ),
    # AWS does not put oidc.circleci.com/vcs-ref in the request context: the condition never matches.
    "unexposed-claim": (
        token(V2_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG,
                                 f"{PROVIDER}:oidc.circleci.com/vcs-ref": REF},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}}),
    ),
    # A token used two hours after it expired (the app evaluates this example at exp + 2 h).
    "expired": (
        token(V2_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}}),
    ),
    # Custom-webhook pipelines: a V2 token with no vcs part, against a branch-pinned V2 policy.
    "custom-webhook": (
        token(V1_SUB, vcs=False),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*/vcs-origin/{REPO}/vcs-ref/{REF}"}}),
    ),
    # The project ID where the org ID belongs: the provider ARN and the condition keys name a provider that
    # is not the token's issuer.
    "project-id-as-org-id": (
        token(V2_SUB),
        policy({"StringEquals": {f"oidc.circleci.com/org/{PROJECT}:aud": ORG},
                "StringLike": {f"oidc.circleci.com/org/{PROJECT}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}},
               provider=f"oidc.circleci.com/org/{PROJECT}"),
    ),
    # A CircleCI server token (issuer on the company's own host) against a policy written for CircleCI cloud.
    "server-issuer": (
        token(V2_SUB, iss=f"https://{SERVER_HOST}/org/{ORG}"),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*"}}),
    ),
    # The repository pinned with capitals the token does not have: values compare case-sensitively.
    "repo-case": (
        token(V2_SUB),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*/vcs-origin/{REPO_CASED}/vcs-ref/{REF}"}}),
    ),
    # A forked pull request: CircleCI builds it with the fork as vcs-origin, so a policy pinned to the upstream
    # repository does not match (and should not be widened to forks).
    "forked-pr": (
        token(f"{V1_SUB}/vcs-origin/{FORK}/vcs-ref/{FORK_REF}", repo=FORK, ref=FORK_REF),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*/vcs-origin/{REPO}/vcs-ref/*"}}),
    ),
    # `ForAllValues:` on a key AWS does not expose: true on a missing key, so this Allow passes for every
    # branch although it looks pinned to main.
    "for-all-values-missing-key": (
        token(f"{V1_SUB}/vcs-origin/{REPO}/vcs-ref/refs/heads/experiment", ref="refs/heads/experiment"),
        policy({"StringEquals": {f"{PROVIDER}:aud": ORG},
                "StringLike": {f"{PROVIDER}:sub": f"org/{ORG}/project/{PROJECT}/user/*"},
                "ForAllValues:StringEquals": {f"{PROVIDER}:oidc.circleci.com/vcs-ref": REF}}),
    ),
    # A CloudFormation template in YAML that creates the provider and pins the V1 `sub` with `!Sub`; the job
    # sends the V2 token. Shows YAML, the short-form tags and the template's own values being read.
    "cloudformation-yaml": (
        token(V2_SUB),
        f"""AWSTemplateFormatVersion: "2010-09-09"
Description: The role CircleCI jobs of deploy-tools assume
Parameters:
  CircleCIOrgId:
    Type: String
    Default: {ORG}
  ProjectId:
    Type: String
    Default: {PROJECT}
Resources:
  CircleCIProvider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: !Sub https://oidc.circleci.com/org/${{CircleCIOrgId}}
      ClientIdList:
        - !Ref CircleCIOrgId
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: circleci-deploy-tools
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !GetAtt CircleCIProvider.Arn
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                "{PROVIDER}:aud": !Ref CircleCIOrgId
                "{PROVIDER}:sub": !Sub "org/${{CircleCIOrgId}}/project/${{ProjectId}}/user/{USER}"
""",
    ),
    # Terraform: two `condition` blocks on the same `sub` key, meant as "the release project AND its main
    # branch". The AWS provider merges them into one list, which IAM ORs: any project's main branch may assume
    # the release role. The deploy-tools job's token is allowed.
    "terraform-conditions-merged": (
        token(V2_SUB),
        f"""# The role only the release project's main branch should assume.
variable "circleci_org_id" {{
  default = "{ORG}"
}}

locals {{
  provider = "oidc.circleci.com/org/${{var.circleci_org_id}}"
}}

data "aws_caller_identity" "current" {{}}

data "aws_iam_policy_document" "release_trust" {{
  statement {{
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {{
      type        = "Federated"
      identifiers = ["arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:oidc-provider/${{local.provider}}"]
    }}
    condition {{
      test     = "StringEquals"
      variable = "${{local.provider}}:aud"
      values   = [var.circleci_org_id]
    }}
    # The release project...
    condition {{
      test     = "StringLike"
      variable = "${{local.provider}}:sub"
      values   = ["org/${{var.circleci_org_id}}/project/{RELEASE_PROJECT}/user/*"]
    }}
    # ...and only its main branch.
    condition {{
      test     = "StringLike"
      variable = "${{local.provider}}:sub"
      values   = ["org/${{var.circleci_org_id}}/project/*/user/*/vcs-origin/*/vcs-ref/refs/heads/main"]
    }}
  }}
}}

resource "aws_iam_role" "release" {{
  name               = "circleci-release"
  assume_role_policy = data.aws_iam_policy_document.release_trust.json
}}
""",
    ),
    # Google Cloud: CircleCI's documented mapping `google.subject=assertion.sub` with a V2 token, whose `sub`
    # is longer than the 127 bytes Google allows for `google.subject`.
    "gcp-v2-subject-too-long": (
        token(V2_SUB),
        as_json({
            "name": "projects/123456789012/locations/global/workloadIdentityPools/circleci/providers/circleci",
            "displayName": "CircleCI",
            "state": "ACTIVE",
            "oidc": {"issuerUri": ISS, "allowedAudiences": [ORG]},
            "attributeMapping": {
                "google.subject": "assertion.sub",
                "attribute.org_id": "assertion.aud",
                "attribute.project": "assertion['oidc.circleci.com/project-id']",
            },
            "attributeCondition": f"attribute.project == '{PROJECT}'",
        }),
    ),
    # Vault: a JWT role whose bound claim pins a release branch; the job runs on main.
    "vault-bound-claim-branch": (
        token(V2_SUB),
        as_json({
            "role_type": "jwt",
            "user_claim": "sub",
            "bound_audiences": [ORG],
            "bound_claims_type": "glob",
            "bound_claims": {"oidc.circleci.com/project-id": PROJECT, "oidc.circleci.com/vcs-ref": "refs/heads/release/*"},
            "token_policies": ["deploy"],
            "token_ttl": 600,
        }),
    ),
    # Azure: a federated credential registered with the job's V1 `sub`, presented the V2 token.
    "azure-v1-subject-v2-token": (
        token(V2_SUB),
        as_json({
            "name": "circleci-deploy",
            "issuer": ISS,
            "subject": V1_SUB,
            "audiences": [ORG],
            "description": "CircleCI deploy job",
        }),
    ),
}


def main() -> None:
    for name, (tok, pol) in EXAMPLES.items():
        with open(os.path.join(HERE, f"{name}.jwt"), "w") as f:
            f.write(tok + "\n")
        ext = "json" if pol.startswith("{") else "tf" if "resource \"" in pol else "yaml"
        with open(os.path.join(HERE, f"{name}.policy.{ext}"), "w") as f:
            f.write(pol)
    print(f"wrote {len(EXAMPLES)} examples to {HERE}")


if __name__ == "__main__":
    main()
