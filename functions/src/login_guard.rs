//! Sign-in throttling (issue 18). Every attempt is counted under a keyed hash of the submitted
//! username — known or not, so both answer alike — in one atomic write *before* the password is
//! checked: parallel guesses each see the others' counts. Three failures are free, then each
//! attempt waits a doubling interval (up to a minute), and ten lock the name for half an hour; a
//! success clears the count. Beside it, each client (IP address) may fail eight times in half an
//! hour, so one stranger is stopped before they can lock someone else's account.

use crate::access::Client;
use crate::ports::{LoginGate, LoginPolicy, StaffStore, StoreError};
use crate::state::Keys;
use domain::case::Moment;

/// A submitted username's policy.
pub const ACCOUNT: LoginPolicy = LoginPolicy {
    free: Some(3),
    lock_after: 10,
    lock_ms: 30 * 60 * 1000,
};

/// A client's policy: no waits, a lock after eight failures (before an account's ten).
pub const CLIENT: LoginPolicy = LoginPolicy {
    free: None,
    lock_after: 8,
    lock_ms: 30 * 60 * 1000,
};

/// The key a submitted username is counted under (never the name itself).
pub fn user_key(keys: &Keys, username: &str) -> String {
    keys.keyed_hash("login_user", &username.trim().to_lowercase())
}

fn client_key(keys: &Keys, client: &Client) -> String {
    keys.keyed_hash("login_client", &client.0)
}

/// Why an attempt may not go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The name is locked (`account_locked`).
    Locked { secs: i64 },
    /// Too soon after the name's last failure, or the client failed too often
    /// (`login_throttled`).
    Throttled { secs: i64 },
}

/// Counts the attempt under the client's and the name's keys, or says why it may not go on.
pub async fn admit(
    store: &dyn StaffStore,
    keys: &Keys,
    username: &str,
    client: &Client,
    now: Moment,
) -> Result<Result<(), Refusal>, StoreError> {
    if let Some(gate) = store
        .login_state(&client_key(keys, client))
        .await?
        .gate(now, &CLIENT)
    {
        let secs = match gate {
            LoginGate::Locked { secs } | LoginGate::Wait { secs } => secs,
            LoginGate::Proceed(_) => 0,
        };
        return Ok(Err(Refusal::Throttled { secs }));
    }
    Ok(
        match store
            .reserve_login(&user_key(keys, username), now, &ACCOUNT, true)
            .await?
        {
            LoginGate::Proceed(_) => Ok(()),
            LoginGate::Locked { secs } => Err(Refusal::Locked { secs }),
            LoginGate::Wait { secs } => Err(Refusal::Throttled { secs }),
        },
    )
}

/// The password was right: the name's count is cleared.
pub async fn succeeded(
    store: &dyn StaffStore,
    keys: &Keys,
    username: &str,
) -> Result<(), StoreError> {
    store.clear_login(&user_key(keys, username)).await
}

/// The password was wrong (or the name unknown): the client's failures count one more.
pub async fn failed(
    store: &dyn StaffStore,
    keys: &Keys,
    client: &Client,
    now: Moment,
) -> Result<(), StoreError> {
    store
        .reserve_login(&client_key(keys, client), now, &CLIENT, false)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::LoginState;

    fn at(secs: i64) -> Moment {
        Moment(secs * 1000)
    }

    #[test]
    fn three_free_failures_then_doubling_waits_then_a_lock() {
        let mut state = LoginState::default();
        for n in 0..3 {
            assert_eq!(state.gate(at(n), &ACCOUNT), None, "failure {n} is free");
            state = state.after_failure(at(n), &ACCOUNT);
        }
        // The fourth attempt right after the third: free (three failures so far).
        assert_eq!(state.gate(at(3), &ACCOUNT), None);
        state = state.after_failure(at(3), &ACCOUNT);
        assert_eq!(
            state.gate(at(3), &ACCOUNT),
            Some(LoginGate::Wait { secs: 2 })
        );
        assert_eq!(state.gate(at(5), &ACCOUNT), None);
        let mut nine = state;
        for _ in 5..10 {
            nine = nine.after_failure(at(5), &ACCOUNT);
        }
        assert_eq!(nine.failures, 9);
        assert_eq!(
            nine.gate(at(5), &ACCOUNT),
            Some(LoginGate::Wait { secs: 60 }),
            "the wait is capped at a minute"
        );
        for n in 5..11 {
            state = state.after_failure(at(n * 120), &ACCOUNT);
        }
        assert_eq!(state.failures, 10);
        assert!(state.is_locked(at(11 * 120)));
        assert!(matches!(
            state.gate(at(11 * 120), &ACCOUNT),
            Some(LoginGate::Locked { .. })
        ));
        // Half an hour on: unlocked, and the next failure counts from one again.
        let later = at(10 * 120 + 30 * 60 + 1);
        assert_eq!(state.gate(later, &ACCOUNT), None);
        assert_eq!(state.after_failure(later, &ACCOUNT).failures, 1);
    }

    #[test]
    fn a_client_is_locked_before_an_account_can_be() {
        const { assert!(CLIENT.lock_after < ACCOUNT.lock_after) };
        let mut state = LoginState::default();
        for n in 0..8 {
            assert_eq!(state.gate(at(n), &CLIENT), None, "no waits for a client");
            state = state.after_failure(at(n), &CLIENT);
        }
        assert!(matches!(
            state.gate(at(8), &CLIENT),
            Some(LoginGate::Locked { .. })
        ));
    }
}
