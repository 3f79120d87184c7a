//! The applicant's written commitment (承诺), signed online as part of an application.
//!
//! Where marriage or birth facts are hard to verify, the couple's commitment to the truth of
//! their statements is accepted instead of further proof (吉林 art. 10; 004 三(二)). A false
//! commitment cancels the qualification and goes to the credit system (吉林 art. 20; 004 三(二)).
//! Persons on the dishonesty list cannot commit online (004 三(二), 四(三)).
//!
//! The SPA shows exactly this text and the server records its version with the case, so the
//! record says which words the applicant agreed to.

/// Bumped whenever the text changes; stored with every case that carries a commitment.
pub const VERSION: &str = "2026-11-24";

pub const SOURCE: &str = "002 第十条、第二十条; 004 三(二)";

pub const TEXT_ZH: &str = "本人及配偶承诺：所填写的身份、户籍、居住、婚姻和生育情况以及所上传的材料真实、完整、有效。\
如有虚假承诺，自愿承担全部责任：已取得的生育服务证（再生育资格）予以取消，失信记录纳入社会征信系统（002 第二十条；004 三(二)）。\
对婚育情况难以核实的，本承诺代替相关证明（002 第十条）。";

pub const TEXT_EN: &str = "We, the applicant and spouse, promise that the identity, household registration, residence, \
marriage and childbirth facts we state and the materials we upload are true, complete and valid. \
If this commitment is false we bear full responsibility: the certificate (re-birth qualification) \
obtained is cancelled and the record goes to the social credit system (002 art. 20; 004 3(2)). \
Where marriage or birth facts are hard to verify, this commitment takes the place of proof (002 art. 10).";
