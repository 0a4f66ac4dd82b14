//! Votes: `tally-exceeds-body`, `outcome-contradicts-tally`, `veto-contradiction` and
//! `member-votes-exceed-tally` — tallies, outcomes and member votes that rule each other out under
//! the UN Charter (art. 18 for the General Assembly, art. 27 for the Security Council).

use super::{ids, sorted, Flag, FlagCode, LiveClaim};
use crate::model::value::{
    normalise_member, vote_member, Body, Majority, Outcome, Tally, Value, Vote, PERMANENT_MEMBERS,
};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// tally-exceeds-body

fn body_name(body: Body) -> &'static str {
    match body {
        Body::Unsc => "Security Council",
        Body::Unga => "General Assembly",
    }
}

/// Tallies of a subject, in id order.
fn tallies(claims: &[LiveClaim]) -> Vec<(&LiveClaim, &Tally)> {
    sorted(claims)
        .into_iter()
        .filter_map(|c| match &c.value {
            Value::Tally(t) => Some((c, t)),
            _ => None,
        })
        .collect()
}

/// One flag per tally whose stated counts add up to more than the body has members.
pub(super) fn tally_exceeds_body(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (c, t) in tallies(claims) {
        let total: u64 = [t.yes, t.no, t.abstain, t.absent]
            .into_iter()
            .flatten()
            .map(u64::from)
            .sum();
        let members = t.body.membership();
        if total > u64::from(members) {
            let message = format!(
                "{subject}: {} counts {total} votes ({}), more than the {members} members of the {}",
                c.id,
                c.value.display(),
                body_name(t.body)
            );
            let code = FlagCode::TallyExceedsBody;
            flags.push(Flag::on(code, subject, c, [], message));
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// outcome-contradicts-tally

/// Fewest votes in favour a Security Council decision needs (Charter art. 27).
const UNSC_MIN_YES: u32 = 9;

/// Whether the General Assembly majority is met, when the tally states enough to tell.
fn unga_majority_met(t: &Tally) -> Option<bool> {
    let (yes, no) = (u64::from(t.yes?), u64::from(t.no?));
    Some(match t.majority {
        Some(Majority::TwoThirds) => yes > 0 && yes * 3 >= (yes + no) * 2,
        Some(Majority::Simple) | None => yes > no,
    })
}

/// Why `tally` rules `outcome` out, or `None` when it does not (or does not state enough).
fn outcome_ruled_out(outcome: Outcome, t: &Tally) -> Option<String> {
    match (t.body, outcome) {
        (Body::Unsc, Outcome::Adopted) => {
            let yes = t.yes?;
            (yes < UNSC_MIN_YES).then(|| {
                format!("the Security Council adopts only with at least {UNSC_MIN_YES} votes in favour")
            })
        }
        (Body::Unsc, Outcome::Rejected | Outcome::Vetoed) => {
            (t.yes? >= UNSC_MIN_YES && t.no? == 0).then(|| {
                format!(
                    "with at least {UNSC_MIN_YES} votes in favour and none against, a Security Council draft is adopted"
                )
            })
        }
        (Body::Unga, Outcome::Vetoed) => {
            Some("there is no veto in the General Assembly".to_string())
        }
        (Body::Unga, Outcome::Adopted) => {
            (!unga_majority_met(t)?).then(|| match t.majority {
                Some(Majority::TwoThirds) => {
                    "this General Assembly decision needs two thirds of those voting yes or no in favour".to_string()
                }
                _ => "the General Assembly adopts only with more votes in favour than against".to_string(),
            })
        }
        (Body::Unga, Outcome::Rejected) => unga_majority_met(t)?.then(|| match t.majority {
            Some(Majority::TwoThirds) => {
                "two thirds of those voting yes or no were in favour, which carries the decision".to_string()
            }
            _ => "more votes in favour than against carries a General Assembly decision".to_string(),
        }),
    }
}

/// One flag per (outcome claim, tally claim) pair where the counts rule the outcome out.
pub(super) fn outcome_contradicts_tally(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let tallies = tallies(claims);
    let mut flags = Vec::new();
    for o in sorted(claims) {
        let Value::Outcome(outcome) = o.value else {
            continue;
        };
        for (t_claim, t) in &tallies {
            if let Some(why) = outcome_ruled_out(outcome, t) {
                let message = format!(
                    "{subject}: {} says {}, but {} gives {} — {why}",
                    o.id,
                    outcome.as_str(),
                    t_claim.id,
                    t_claim.value.display()
                );
                let code = FlagCode::OutcomeContradictsTally;
                flags.push(Flag::on(code, subject, o, [*t_claim], message));
            }
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// veto-contradiction

/// Live `vote:<member>` claims as (canonical member, vote, claim), in id order.
fn member_votes(claims: &[LiveClaim]) -> Vec<(String, Vote, &LiveClaim)> {
    sorted(claims)
        .into_iter()
        .filter_map(|c| match (&c.value, vote_member(&c.predicate)) {
            (Value::Vote(v), Some(m)) => Some((normalise_member(m), *v, c)),
            _ => None,
        })
        .collect()
}

/// A Security Council outcome that the permanent members' votes contradict. The subject counts as
/// a Security Council decision only when a live tally says UNSC (permanent members also vote in the
/// General Assembly, where voting no is no veto). It counts as substantive unless a live tally
/// says `procedural: true`.
pub(super) fn veto_contradiction(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    const VETO: FlagCode = FlagCode::VetoContradiction;
    let tallies: Vec<(&LiveClaim, &Tally)> = tallies(claims)
        .into_iter()
        .filter(|(_, t)| t.body == Body::Unsc)
        .collect();
    if tallies.is_empty() {
        return Vec::new();
    }
    let said_procedural: Vec<&LiveClaim> = tallies
        .iter()
        .filter(|(_, t)| t.procedural == Some(true))
        .map(|(c, _)| *c)
        .collect();
    let substantive = said_procedural.is_empty();
    // Procedural only when tallies agree on it; disagreeing tallies are conflicting-values' job.
    let procedural = !substantive && tallies.iter().all(|(_, t)| t.procedural != Some(false));
    let permanent: Vec<(String, Vote, &LiveClaim)> = member_votes(claims)
        .into_iter()
        .filter(|(m, _, _)| PERMANENT_MEMBERS.contains(&m.as_str()))
        .collect();
    let permanent_no: Vec<&(String, Vote, &LiveClaim)> = permanent
        .iter()
        .filter(|(_, v, _)| *v == Vote::No)
        .collect();
    let all_known = PERMANENT_MEMBERS
        .iter()
        .all(|p| permanent.iter().any(|(m, _, _)| m == p));

    let mut flags = Vec::new();
    for o in sorted(claims) {
        let Value::Outcome(outcome) = o.value else {
            continue;
        };
        match outcome {
            Outcome::Adopted if substantive && !permanent_no.is_empty() => {
                let who: Vec<String> = permanent_no
                    .iter()
                    .map(|(m, _, c)| format!("{m}: {}", c.id))
                    .collect();
                let message = format!(
                    "{subject}: {} says adopted, but a permanent member voted against this substantive Security Council draft ({}) — a permanent member's vote against is a veto",
                    o.id,
                    who.join("; ")
                );
                let against = permanent_no.iter().map(|(_, _, c)| *c);
                flags.push(Flag::on(VETO, subject, o, against, message));
            }
            Outcome::Vetoed => {
                let mut reasons = Vec::new();
                let mut against: Vec<&LiveClaim> = Vec::new();
                if procedural {
                    reasons.push(format!(
                        "{} says the vote was procedural, where the veto does not apply",
                        ids(said_procedural.iter().copied())
                    ));
                    against.extend(said_procedural.iter().copied());
                }
                let none_against: Vec<&LiveClaim> = tallies
                    .iter()
                    .filter(|(_, t)| t.no == Some(0))
                    .map(|(c, _)| *c)
                    .collect();
                if !none_against.is_empty() {
                    reasons.push(format!(
                        "{} gives no votes against, and a veto is a permanent member's vote against",
                        ids(none_against.iter().copied())
                    ));
                    against.extend(none_against);
                }
                if all_known && permanent_no.is_empty() {
                    let votes: Vec<String> = permanent
                        .iter()
                        .map(|(m, v, c)| format!("{m} {} ({})", v.as_str(), c.id))
                        .collect();
                    reasons.push(format!(
                        "every permanent member's vote is recorded and none voted against: {}",
                        votes.join("; ")
                    ));
                    against.extend(permanent.iter().map(|(_, _, c)| *c));
                }
                if !reasons.is_empty() {
                    let message = format!(
                        "{subject}: {} says vetoed, but {}",
                        o.id,
                        reasons.join("; and ")
                    );
                    flags.push(Flag::on(VETO, subject, o, against, message));
                }
            }
            _ => {}
        }
    }
    flags
}

// ---------------------------------------------------------------------------------------------
// member-votes-exceed-tally

/// One flag per (tally, vote) where more distinct members are said to have voted that way than
/// the tally's stated count for it.
pub(super) fn member_votes_exceed_tally(subject: &str, claims: &[LiveClaim]) -> Vec<Flag> {
    let mut by_vote: BTreeMap<Vote, BTreeMap<String, Vec<&LiveClaim>>> = BTreeMap::new();
    for (m, v, c) in member_votes(claims) {
        by_vote.entry(v).or_default().entry(m).or_default().push(c);
    }
    let mut flags = Vec::new();
    for (t_claim, t) in tallies(claims) {
        for (vote, count) in [
            (Vote::Yes, t.yes),
            (Vote::No, t.no),
            (Vote::Abstain, t.abstain),
        ] {
            let (Some(count), Some(members)) = (count, by_vote.get(&vote)) else {
                continue;
            };
            if members.len() <= count as usize {
                continue;
            }
            let names: Vec<&str> = members.keys().map(String::as_str).collect();
            let message = format!(
                "{subject}: {} members are claimed to have voted {} ({}), but {} gives {} {count}",
                members.len(),
                vote.as_str(),
                names.join(", "),
                t_claim.id,
                vote.as_str()
            );
            let voters = members.values().flatten().copied();
            let code = FlagCode::MemberVotesExceedTally;
            flags.push(Flag::on(code, subject, t_claim, voters, message));
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::testing::{codes_and_claims, ga, sc};
    use serde_json::{json, Value as Json};

    // --- tally-exceeds-body ----------------------------------------------------------------

    #[test]
    fn tally_over_membership_is_flagged() {
        let claims = [sc(
            "t",
            "tally",
            json!({"body":"UNSC","yes":10,"no":3,"abstain":5}),
        )];
        let flags = tally_exceeds_body("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("tally-exceeds-body", vec!["t"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: t counts 18 votes (UNSC, yes 10, no 3, abstain 5), more than the 15 members of the Security Council"
        );
        let ga_claims = [ga(
            "t",
            "tally",
            json!({"body":"UNGA","yes":100,"no":50,"absent":44}),
        )];
        let flags = tally_exceeds_body("A/RES/ES-11/7", &ga_claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("tally-exceeds-body", vec!["t"])]
        );
        assert!(
            flags[0].message.contains("194 votes"),
            "{}",
            flags[0].message
        );
        assert!(flags[0]
            .message
            .contains("193 members of the General Assembly"));
    }

    #[test]
    fn tally_within_membership_is_quiet() {
        let claims = [
            sc(
                "sc-10-0-5",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
            ),
            sc(
                "ga-93-8-73",
                "tally",
                json!({"body":"UNGA","yes":93,"no":8,"abstain":73}),
            ),
            sc(
                "ga-full",
                "tally",
                json!({"body":"UNGA","yes":100,"no":50,"abstain":40,"absent":3}),
            ),
        ];
        assert_eq!(tally_exceeds_body("S/RES/2774", &claims), vec![]);
    }

    // --- outcome-contradicts-tally ---------------------------------------------------------

    fn outcome_flags(tally: Json, outcome: &str) -> Vec<Flag> {
        let claims = [sc("t", "tally", tally), sc("o", "outcome", json!(outcome))];
        outcome_contradicts_tally("S/RES/2774", &claims)
    }

    #[test]
    fn unsc_10_0_5_adoption_is_consistent() {
        assert_eq!(
            outcome_flags(
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
                "adopted"
            ),
            vec![]
        );
    }

    #[test]
    fn unga_93_8_73_adoption_is_consistent() {
        assert_eq!(
            outcome_flags(
                json!({"body":"UNGA","yes":93,"no":8,"abstain":73}),
                "adopted"
            ),
            vec![]
        );
    }

    #[test]
    fn unsc_adoption_needs_nine_in_favour() {
        let flags = outcome_flags(json!({"body":"UNSC","yes":8,"no":0,"abstain":7}), "adopted");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert_eq!(flags[0].predicate, "outcome");
        assert_eq!(
            flags[0].message,
            "S/RES/2774: o says adopted, but t gives UNSC, yes 8, no 0, abstain 7 — the Security Council adopts only with at least 9 votes in favour"
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":9}), "adopted"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","no":0,"abstain":5}), "adopted"),
            vec![]
        );
    }

    #[test]
    fn unsc_failure_impossible_with_nine_and_none_against() {
        for outcome in ["rejected", "vetoed"] {
            let flags = outcome_flags(json!({"body":"UNSC","yes":10,"no":0,"abstain":5}), outcome);
            assert_eq!(
                codes_and_claims(&flags),
                vec![("outcome-contradicts-tally", vec!["o", "t"])],
                "{outcome}"
            );
            assert!(flags[0].message.contains(&format!("o says {outcome}")));
            assert!(flags[0].message.contains("none against"));
        }
        // One against may be a veto; an unstated "no" proves nothing; eight in favour is too few.
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":13,"no":1,"abstain":1}), "vetoed"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":10}), "rejected"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNSC","yes":8,"no":0}), "rejected"),
            vec![]
        );
    }

    #[test]
    fn unga_has_no_veto() {
        let flags = outcome_flags(json!({"body":"UNGA"}), "vetoed");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: o says vetoed, but t gives UNGA — there is no veto in the General Assembly"
        );
    }

    #[test]
    fn unga_simple_majority() {
        let flags = outcome_flags(json!({"body":"UNGA","yes":8,"no":93}), "adopted");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert!(flags[0]
            .message
            .contains("more votes in favour than against"));
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":50,"no":50}), "adopted").len(),
            1
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":8}), "adopted"),
            vec![]
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":93,"no":8}), "rejected").len(),
            1
        );
        assert_eq!(
            outcome_flags(json!({"body":"UNGA","yes":50,"no":50}), "rejected"),
            vec![]
        );
    }

    #[test]
    fn unga_two_thirds_majority() {
        let t =
            |yes: u32, no: u32| json!({"body":"UNGA","yes":yes,"no":no,"majority":"two-thirds"});
        // 60 of 100 is a simple majority but not two thirds.
        let flags = outcome_flags(t(60, 40), "adopted");
        assert_eq!(
            codes_and_claims(&flags),
            vec![("outcome-contradicts-tally", vec!["o", "t"])]
        );
        assert!(
            flags[0].message.contains("two thirds"),
            "{}",
            flags[0].message
        );
        assert_eq!(outcome_flags(t(60, 40), "rejected"), vec![]);
        // 70 of 105 is exactly two thirds.
        assert_eq!(outcome_flags(t(70, 35), "adopted"), vec![]);
        assert_eq!(outcome_flags(t(70, 35), "rejected").len(), 1);
        // Nobody voting yes or no carries nothing.
        assert_eq!(outcome_flags(t(0, 0), "rejected"), vec![]);
    }

    #[test]
    fn every_outcome_is_paired_with_every_tally() {
        let claims = [
            ga("t1", "tally", json!({"body":"UNGA","yes":93,"no":8})),
            ga("t2", "tally", json!({"body":"UNGA","yes":93})),
            ga("o1", "outcome", json!("adopted")),
            ga("o2", "outcome", json!("rejected")),
            ga("o3", "outcome", json!("vetoed")),
        ];
        let flags = outcome_contradicts_tally("A/RES/ES-11/7", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![
                ("outcome-contradicts-tally", vec!["o2", "t1"]),
                ("outcome-contradicts-tally", vec!["o3", "t1"]),
                ("outcome-contradicts-tally", vec!["o3", "t2"]),
            ]
        );
    }

    // --- veto-contradiction ----------------------------------------------------------------

    #[test]
    fn substantive_adoption_over_a_permanent_no_is_flagged() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":12,"no":1,"abstain":2}),
            ),
            sc("o", "outcome", json!("adopted")),
            sc("v-ru", "vote:Russia", json!("against")),
            sc("v-dz", "vote:Algeria", json!("against")),
            sc("v-us", "vote:US", json!("yes")),
        ];
        let flags = veto_contradiction("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("veto-contradiction", vec!["o", "v-ru"])]
        );
        assert_eq!(flags[0].predicate, "outcome");
        assert!(
            flags[0].message.starts_with("S/RES/2774: o says adopted, but a permanent member voted against this substantive Security Council draft (Russian Federation: v-ru)"),
            "{}",
            flags[0].message
        );
    }

    #[test]
    fn procedural_adoption_over_a_permanent_no_is_quiet() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":12,"no":1,"abstain":2,"procedural":true}),
            ),
            sc("o", "outcome", json!("adopted")),
            sc("v-ru", "vote:Russian Federation", json!("no")),
        ];
        assert_eq!(veto_contradiction("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn general_assembly_or_unknown_body_is_quiet() {
        // The fixture's ES-11/7: the United States and Russia voted no, and it was adopted.
        let claims = [
            ga(
                "t",
                "tally",
                json!({"body":"UNGA","yes":93,"no":18,"abstain":65}),
            ),
            ga("o", "outcome", json!("adopted")),
            ga("v-us", "vote:United States", json!("against")),
            ga("v-ru", "vote:Russian Federation", json!("against")),
        ];
        assert_eq!(veto_contradiction("A/RES/ES-11/7", &claims), vec![]);
        // Without a tally the body is not known; no flag.
        assert_eq!(veto_contradiction("A/RES/ES-11/7", &claims[1..]), vec![]);
    }

    #[test]
    fn unsc_10_0_5_adoption_with_permanent_votes_is_quiet() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5,"procedural":false}),
            ),
            sc("o", "outcome", json!("adopted")),
            sc("v-us", "vote:United States", json!("in favour")),
            sc("v-ru", "vote:Russian Federation", json!("in favour")),
            sc("v-cn", "vote:China", json!("in favour")),
            sc("v-fr", "vote:France", json!("abstention")),
            sc("v-uk", "vote:United Kingdom", json!("abstained")),
        ];
        assert_eq!(veto_contradiction("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn veto_claimed_with_none_against_is_flagged() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":7,"no":0,"abstain":8}),
            ),
            sc("o", "outcome", json!("vetoed")),
        ];
        let flags = veto_contradiction("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("veto-contradiction", vec!["o", "t"])]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: o says vetoed, but t gives no votes against, and a veto is a permanent member's vote against"
        );
    }

    #[test]
    fn veto_claimed_when_every_permanent_member_did_not_vote_no() {
        let p5 = |russia: &str| {
            vec![
                sc("t", "tally", json!({"body":"UNSC"})),
                sc("o", "outcome", json!("vetoed")),
                sc("v-us", "vote:US", json!("yes")),
                sc("v-ru", "vote:Russia", json!(russia)),
                sc("v-cn", "vote:China", json!("abstain")),
                sc("v-fr", "vote:France", json!("yes")),
                sc("v-uk", "vote:UK", json!("yes")),
            ]
        };
        let flags = veto_contradiction("S/RES/2774", &p5("abstain"));
        assert_eq!(
            codes_and_claims(&flags),
            vec![(
                "veto-contradiction",
                vec!["o", "v-cn", "v-fr", "v-ru", "v-uk", "v-us"]
            )]
        );
        assert!(flags[0]
            .message
            .contains("every permanent member's vote is recorded and none voted against"));
        assert!(flags[0]
            .message
            .contains("Russian Federation abstain (v-ru)"));
        assert_eq!(veto_contradiction("S/RES/2774", &p5("no")), vec![]);
        // Four known, one unknown: the unknown one may have vetoed.
        let mut four = p5("abstain");
        four.retain(|c| c.id != "v-uk");
        assert_eq!(veto_contradiction("S/RES/2774", &four), vec![]);
    }

    #[test]
    fn veto_claimed_on_a_procedural_vote_is_flagged() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":8,"no":2,"procedural":true}),
            ),
            sc("o", "outcome", json!("vetoed")),
        ];
        let flags = veto_contradiction("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![("veto-contradiction", vec!["o", "t"])]
        );
        assert!(flags[0]
            .message
            .contains("procedural, where the veto does not apply"));
        // A veto with a permanent member's no on a substantive vote is consistent.
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":13,"no":1,"abstain":1}),
            ),
            sc("o", "outcome", json!("vetoed")),
            sc("v-ru", "vote:Russia", json!("no")),
        ];
        assert_eq!(veto_contradiction("S/RES/2774", &claims), vec![]);
    }

    // --- member-votes-exceed-tally ---------------------------------------------------------

    #[test]
    fn more_members_than_the_count_is_flagged() {
        let claims = [
            sc("t", "tally", json!({"body":"UNSC","yes":2,"no":0})),
            sc("v-us", "vote:US", json!("yes")),
            sc("v-cn", "vote:China", json!("yes")),
            sc("v-dz", "vote:Algeria", json!("in favour")),
            sc("v-ru", "vote:Russia", json!("against")),
        ];
        let flags = member_votes_exceed_tally("S/RES/2774", &claims);
        assert_eq!(
            codes_and_claims(&flags),
            vec![
                (
                    "member-votes-exceed-tally",
                    vec!["t", "v-cn", "v-dz", "v-us"]
                ),
                ("member-votes-exceed-tally", vec!["t", "v-ru"]),
            ]
        );
        assert_eq!(
            flags[0].message,
            "S/RES/2774: 3 members are claimed to have voted yes (Algeria, China, United States), but t gives yes 2"
        );
        assert!(flags[1].message.contains("but t gives no 0"));
        assert_eq!(flags[0].predicate, "tally");
    }

    #[test]
    fn members_within_the_count_are_quiet() {
        let claims = [
            sc(
                "t",
                "tally",
                json!({"body":"UNSC","yes":10,"no":0,"abstain":5}),
            ),
            sc("v-us", "vote:United States", json!("in favour")),
            sc("v-ru", "vote:Russian Federation", json!("in favour")),
            sc("v-cn", "vote:China", json!("in favour")),
            sc("v-fr", "vote:France", json!("abstention")),
            sc("v-uk", "vote:United Kingdom", json!("abstained")),
        ];
        assert_eq!(member_votes_exceed_tally("S/RES/2774", &claims), vec![]);
    }

    #[test]
    fn a_member_counts_once_and_unstated_counts_prove_nothing() {
        let mut raw = sc("v-us-raw", "vote:US", json!("yes"));
        raw.predicate = "vote:U.S.".into(); // not normalised: still the same member
        let claims = [
            sc("t", "tally", json!({"body":"UNSC","yes":1})),
            sc("v-us", "vote:United States of America", json!("yes")),
            raw,
            sc("v-ru", "vote:Russia", json!("no")),
            sc("v-cn", "vote:China", json!("no")),
        ];
        assert_eq!(member_votes_exceed_tally("S/RES/2774", &claims), vec![]);
    }
}
