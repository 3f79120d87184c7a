//! Reading a submission body (`POST /api/cases`): the domain's one check
//! (`domain::contract::read_submission`, which the SPA runs before sending), then the names
//! in Unicode NFC as they are stored (issue 18).

use domain::contract::Submission;
use serde_json::Value;

pub(super) fn read_submission(body: &Value, errors: &mut Vec<Value>) -> Submission {
    let (mut submission, found) = domain::contract::read_submission(body);
    errors.extend(found.iter().filter_map(|e| serde_json::to_value(e).ok()));
    for person in submission
        .applicant
        .iter_mut()
        .chain(submission.spouse.iter_mut())
    {
        person.name = crate::names::nfc(&person.name);
    }
    submission
}
