//! The check workflow: the parties of a shipment are screened against the loaded restricted-party
//! lists, their list status (Entity List with its footnotes, MEU, SDN, ...) flows into the licence
//! determination citing the matched list entry, and a near-match in the review band leaves the
//! party's status *unknown* — so the answer is `undetermined`, naming the hit — rather than being
//! silently ignored. A status the exporter declared is kept.
//!
//! Architecture invariant: this crate only wires the screening library to the engine; it holds
//! no regulatory rule. Which list a list entry belongs to is a mapping of list formats to the
//! vocabulary's list names.

use chokepoint_engine::{determine, Options, Report};
use chokepoint_lists::ListEntry;
use chokepoint_model::{ListStatus, Party, Shipment};
use chokepoint_rulebook::Rulebook;
use chokepoint_screening::{Decision, Query, Schema, Screener};
use serde::Serialize;

/// What screening found for one party.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartyScreening {
    pub role: String,
    pub name: String,
    pub hits: Vec<PartyHit>,
}

/// One list entry a party's name matched (or nearly matched).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartyHit {
    /// `match` (at or above the threshold) or `review` (in the review band below it).
    pub decision: String,
    /// The vocabulary's list name (`entity_list`, `meu`, `sdn`, ...), if the entry's list is one
    /// the licence rules read.
    pub list: Option<String>,
    pub source: String,
    pub sub_list: Option<String>,
    pub entry_id: String,
    pub entry_name: String,
    pub matched_name: String,
    pub score: f32,
    pub footnotes: Vec<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence_review_policy: Option<String>,
}

impl PartyHit {
    /// How the hit is cited in a determination.
    pub fn cite(&self) -> String {
        format!(
            "{}{} entry {} \"{}\" (matched \"{}\", score {:.2})",
            self.source,
            self.sub_list
                .as_ref()
                .map(|s| format!("/{s}"))
                .unwrap_or_default(),
            self.entry_id,
            self.entry_name,
            self.matched_name,
            self.score
        )
    }
}

/// The report of a check, with the screening of its parties.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    #[serde(flatten)]
    pub report: Report,
    /// Which lists the parties were screened against (`null` when no lists were loaded), and
    /// what each party matched.
    pub screening: Option<ScreeningSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScreeningSummary {
    /// `source@content-hash` of every list screened against.
    pub lists: Vec<String>,
    pub parties: Vec<PartyScreening>,
}

/// Maps a list entry to the vocabulary's list name the licence rules read.
pub fn vocabulary_list(entry: &ListEntry) -> Option<&'static str> {
    let sub = entry.sub_list.as_deref().unwrap_or_default();
    Some(match (entry.source.as_str(), sub) {
        (_, "EL") | (_, "Entity List") => "entity_list",
        (_, "MEU") => "meu",
        (_, "UVL") => "unverified_list",
        (_, "DPL") => "denied_persons",
        (_, "SDN") => "sdn",
        ("ofac_sdn", _) => "sdn",
        ("bis_dpl", _) => "denied_persons",
        ("un", _) => "un_sanctions",
        ("uk", _) => "uk_sanctions",
        (_, "jp-end-user-list") => "jp_end_user_list",
        (_, "cn-unreliable-entity-list") => "cn_unreliable_entity_list",
        (_, "cn-export-control-watchlist") => "cn_export_control_list",
        _ => return None,
    })
}

/// Screens every named party and writes the result into its list status:
/// a match adds the list (with footnotes and the entry cited); a review-band hit with no match
/// makes the status unknown; no hit means screened and not listed. Declared statuses are kept.
pub fn screen_parties(shipment: &mut Shipment, screener: &Screener) -> Vec<PartyScreening> {
    let mut out = Vec::new();
    let mut screen_one = |role: &str, party: &mut Party| {
        let Some(name) = party.name.clone().filter(|n| !n.trim().is_empty()) else {
            return;
        };
        let query = Query {
            name: name.clone(),
            schema: Schema::LegalEntity,
            country: party.country.clone(),
            ..Query::default()
        };
        let hits: Vec<PartyHit> = screener
            .screen(&query)
            .into_iter()
            .map(|h| PartyHit {
                decision: match h.decision {
                    Decision::Match => "match".into(),
                    _ => "review".into(),
                },
                list: vocabulary_list(h.entry).map(str::to_string),
                source: h.entry.source.clone(),
                sub_list: h.entry.sub_list.clone(),
                entry_id: h.entry.id.clone(),
                entry_name: h.entry.primary_name().to_string(),
                matched_name: h.matched_name.to_string(),
                score: h.score,
                footnotes: h
                    .entry
                    .licence
                    .as_ref()
                    .map(|l| l.footnotes.iter().map(|f| f.number).collect())
                    .unwrap_or_default(),
                licence_review_policy: h
                    .entry
                    .licence
                    .as_ref()
                    .and_then(|l| l.licence_review_policy.clone()),
            })
            .collect();
        apply(party, &hits);
        out.push(PartyScreening {
            role: role.to_string(),
            name,
            hits,
        });
    };
    if let Some(p) = shipment.parties.end_user.as_mut() {
        screen_one("end_user", p);
    }
    if let Some(p) = shipment.parties.ultimate_consignee.as_mut() {
        screen_one("ultimate_consignee", p);
    }
    if let Some(p) = shipment.parties.purchaser.as_mut() {
        screen_one("purchaser", p);
    }
    for p in shipment.parties.intermediate_consignees.iter_mut() {
        screen_one("intermediate_consignee", p);
    }
    out
}

/// Writes screening hits into a party's list status.
fn apply(party: &mut Party, hits: &[PartyHit]) {
    let relevant: Vec<&PartyHit> = hits.iter().filter(|h| h.list.is_some()).collect();
    let matches: Vec<&&PartyHit> = relevant.iter().filter(|h| h.decision == "match").collect();
    let reviews: Vec<&&PartyHit> = relevant.iter().filter(|h| h.decision == "review").collect();
    let mut lists = party.lists.clone().unwrap_or_default();
    for h in &matches {
        let list = h.list.clone().expect("relevant");
        match lists.iter_mut().find(|l| l.list == list) {
            Some(existing) => {
                for f in &h.footnotes {
                    if !existing.footnotes.contains(f) {
                        existing.footnotes.push(*f);
                    }
                }
                existing.entry.get_or_insert_with(|| h.cite());
            }
            None => lists.push(ListStatus {
                list,
                footnotes: h.footnotes.clone(),
                entry: Some(h.cite()),
            }),
        }
    }
    // A near-match that no match or declaration settles: the status is unknown, naming the hit.
    let unsettled: Vec<String> = reviews
        .iter()
        .filter(|h| !lists.iter().any(|l| Some(&l.list) == h.list.as_ref()))
        .map(|h| h.cite())
        .collect();
    if unsettled.is_empty() {
        party.lists = Some(lists);
    } else {
        party.lists = None;
        party.unresolved_matches = unsettled;
    }
}

/// Screens the parties (when a screener is given), then determines.
pub fn check(
    book: &Rulebook,
    mut shipment: Shipment,
    options: &Options,
    screener: Option<(&Screener, Vec<String>)>,
) -> CheckReport {
    let screening = screener.map(|(s, lists)| ScreeningSummary {
        parties: screen_parties(&mut shipment, s),
        lists,
    });
    CheckReport {
        report: determine(book, &shipment, options),
        screening,
    }
}
