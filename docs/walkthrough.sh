#!/usr/bin/env bash
# A curl walk-through of one challenge, from draft to the expert review, against a running
# server (README.md). Run:  JIEBANG_ADMIN_TOKEN=… bash docs/walkthrough.sh
# Needs curl and jq. Uses a programme of its own whose windows are open today, since the
# 2026 guide's submission window has closed.
set -euo pipefail
API=${API:-http://127.0.0.1:3000/api/v1}
ADMIN=${JIEBANG_ADMIN_TOKEN:?set JIEBANG_ADMIN_TOKEN to the admin token of the server}
json() { curl -sS -H 'content-type: application/json' "$@"; }
as() { local token=$1; shift; json -H "authorization: Bearer $token" "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "1. A programme with windows open today (settings copied from wlmq-2026)"
opens=$(date -u -d '-1 hour' +%FT%TZ); closes=$(date -u -d '+10 days' +%FT%TZ); rec=$(date -u -d '+12 days' +%FT%TZ)
as "$ADMIN" "$API/programmes/wlmq-2026" | jq --arg o "$opens" --arg c "$closes" --arg r "$rec" \
  '.settings | .name = "演示批次" | .submission = {opensAt: $o, closesAt: $c} | .recommendationClosesAt = $r' > /tmp/demo-programme.json
as "$ADMIN" -X PUT "$API/programmes/demo" -d @/tmp/demo-programme.json | jq '{id, submission: .settings.submission}'

say "2. Units (unified social credit codes) and people"
ISSUER=91650100000000001Q; DISTRICT=116501020000000021; SOLVER=91650100000000003Y
as "$ADMIN" -X PUT "$API/units/$ISSUER" -d '{"name":"新疆某装备制造有限公司","type":"enterprise","inCity":true,"legalPerson":true}' | jq -c .
as "$ADMIN" -X PUT "$API/units/$DISTRICT" -d '{"name":"某区科技局","type":"districtDept","inCity":true,"legalPerson":true}' | jq -c .
as "$ADMIN" -X PUT "$API/units/$SOLVER" -d '{"name":"某大学","type":"university","inCity":false,"legalPerson":true}' | jq -c .
for p in p-lead p-m1; do as "$ADMIN" -X PUT "$API/persons/$p" -d "{\"name\":\"$p\",\"unit\":\"$ISSUER\"}" > /dev/null; done
# the solver's project leader has an account too (Q-2/3 holds for a bid's team)
as "$ADMIN" -X PUT "$API/persons/s-lead" -d "{\"name\":\"s-lead\",\"unit\":\"$SOLVER\"}" > /dev/null

say "3. One token per role (each secret is shown once)"
tok() { as "$ADMIN" -X POST "$API/tokens" -d "$1" | jq -r .token; }
ISSUER_T=$(tok "{\"role\":\"issuer\",\"unit\":\"$ISSUER\",\"label\":\"issuer\"}")
DISTRICT_T=$(tok "{\"role\":\"district\",\"unit\":\"$DISTRICT\",\"label\":\"district\"}")
BUREAU_T=$(tok '{"role":"bureau","label":"bureau"}')
SOLVER_T=$(tok "{\"role\":\"solver\",\"unit\":\"$SOLVER\",\"label\":\"solver\"}")

say "4. The issuer drafts a challenge"
ID=$(as "$ISSUER_T" -X POST "$API/challenges" -d "{
  \"programmeId\":\"demo\",\"kind\":\"techBreakthrough\",\"domain\":\"equipment\",
  \"title\":\"大型风电装备关键轴承国产化攻关\",\"summary\":\"风电主轴轴承依赖进口\",
  \"issuerUnit\":\"$ISSUER\",\"districtUnit\":\"$DISTRICT\",\"leader\":\"p-lead\",\"team\":[\"p-lead\",\"p-m1\"],
  \"indicators\":[\"寿命 ≥ 20 年\"],\"periodMonths\":24,\"ipOwnership\":\"发榜方所有\",
  \"solverConditions\":\"具备轴承设计与试验能力\",\"investment\":{\"ownPilotCny\":2000000,\"solverFundingCny\":3000000},
  \"endUserAttested\":true,\"classified\":false,\"ethicsSensitive\":false}" | jq -r .id)
echo "challenge $ID"
ev() { local token=$1 body=$2; as "$token" -X POST "$API/challenges/$ID/events" -d "$body"; }

say "5. Submitting without the pledges is refused, with every clause that fails (422)"
ev "$ISSUER_T" '{"type":"SUBMIT","confirmDetails":true}' | jq '.error | {code, clauses: [.violations[].clause], message_zh}'

say "6. Upload the materials (stored by their SHA-256), attach each by its hash, then submit"
for kind in applicationForm unitPledge leaderPledge auditReport2024 auditReport2025 capacityEvidence teamEvidence; do
  file=$(mktemp --suffix=.pdf); printf '%%PDF-1.7\n%s\n' "$kind" > "$file"
  sha=$(curl -sS -H "authorization: Bearer $ISSUER_T" -F "file=@$file;type=application/pdf" "$API/challenges/$ID/attachments" | jq -r .sha256)
  rm -f "$file"
  ev "$ISSUER_T" "{\"type\":\"ATTACH\",\"kind\":\"$kind\",\"sha256\":\"$sha\"}" > /dev/null
done
ev "$ISSUER_T" '{"type":"SUBMIT","confirmDetails":true}' | jq -c '{stage, state, version, allowedEvents}'

say "7. District recommends, bureau checks, approves and publishes (If-Match guards against lost updates)"
ev "$DISTRICT_T" '{"type":"RECOMMEND","opinion":"同意推荐"}' | jq -c '{state}'
ev "$BUREAU_T" '{"type":"PASS_FORMAL_CHECK","opinion":"形式审查通过"}' | jq -c '{state}'
V=$(as "$BUREAU_T" "$API/challenges/$ID" | jq -r .version)
as "$BUREAU_T" -H "if-match: \"$V\"" -X POST "$API/challenges/$ID/events" -d '{"type":"APPROVE_DEMAND","opinion":"需求评审通过"}' | jq -c '{state, version}'
ev "$BUREAU_T" "{\"type\":\"PUBLISH\",\"biddingClosesAt\":\"$(date -u -d '+30 days' +%FT%TZ)\"}" | jq -c '{stage, deadlines}'

say "8. A solver bids; the issuer agrees; the bureau closes matching"
ev "$SOLVER_T" "{\"type\":\"BID\",\"bidId\":\"bid-1\",\"members\":[\"$SOLVER\"],\"leader\":\"s-lead\",\"team\":[\"s-lead\"],\"plan\":\"有限元优化与热处理工艺改进\",\"requestedFundingCny\":3000000}" | jq -c '{state}'
ev "$ISSUER_T" '{"type":"AGREE","bidId":"bid-1","agreedFundingCny":3000000}' > /dev/null
ev "$BUREAU_T" '{"type":"CLOSE_MATCHING"}' | jq -c '{stage, state}'

say "9. The history: every event, hash-chained"
as "$BUREAU_T" "$API/challenges/$ID/history" | jq -c '.items[] | {seq, type, at, prevHash: .prevHash[0:12], hash: .hash[0:12]}'
