//! Localised error messages (zh-CN by default, en on request).

use aftersales_contract::ErrorCode;
use aftersales_rules::ErrorCode as CaseCode;

/// The two languages the portal speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the preferred language of an `Accept-Language` header: the first
    /// `zh*` or `en*` tag by quality; zh-CN when neither is acceptable.
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::Zh;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1.0f32;
            for p in pieces {
                if let Some(v) = p.trim().strip_prefix("q=") {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::Zh)
    }
}

/// The message for an error code; codes without their own get a generic message.
pub fn message(code: &ErrorCode, lang: Lang) -> &'static str {
    let (zh, en) = match code {
        ErrorCode::InvalidJson => (
            "请求内容不是有效的 JSON。",
            "The request body is not valid JSON.",
        ),
        ErrorCode::InvalidBody => (
            "请求内容的格式不正确，请检查字段。",
            "The request body has the wrong shape; check the fields.",
        ),
        ErrorCode::InvalidQuery => ("查询参数不正确。", "The query parameters are invalid."),
        ErrorCode::ValidationFailed => (
            "部分内容填写有误，请检查后重试。",
            "Some fields are invalid; please check and try again.",
        ),
        ErrorCode::UnsupportedMediaType => ("不支持该内容类型。", "This content type is not supported."),
        ErrorCode::UnsupportedImage => (
            "只能上传 JPEG、PNG 或 WebP 图片。",
            "Only JPEG, PNG or WebP images can be uploaded.",
        ),
        ErrorCode::FiledAtExpired => (
            "提交时间早于离线宽限期，请在线重新检查后再提交。",
            "This was submitted longer ago than the offline grace period; check again and resubmit.",
        ),
        ErrorCode::PayloadTooLarge => ("上传的内容太大。", "The request body is too large."),
        ErrorCode::NotFound => ("未找到。", "Not found."),
        ErrorCode::OrderNotFound => (
            "未找到与该手机号匹配的订单，请核对订单号和手机号。",
            "No order matches this number and phone; please check both.",
        ),
        ErrorCode::RequestNotFound => (
            "未找到该申请，或查询码不正确。",
            "No request matches this id and tracking code.",
        ),
        ErrorCode::IdConflict => (
            "该申请编号已用于另一份内容不同的申请。",
            "This request id was already used for a different request.",
        ),
        ErrorCode::NotClosed => (
            "申请处理完成后才能评价。",
            "Feedback can be given once the request is closed.",
        ),
        ErrorCode::FeedbackExists => ("该申请已经评价过了。", "Feedback was already given."),
        ErrorCode::TooManyAttachments => (
            "每个申请最多上传 6 张照片。",
            "A request can have at most 6 photos.",
        ),
        ErrorCode::RequestClosed => (
            "该申请已结束，不能再修改。",
            "This request is closed and can no longer change.",
        ),
        ErrorCode::InvalidTransition => (
            "该申请不能转到这个步骤。",
            "The request cannot move to this step.",
        ),
        ErrorCode::Conflict => (
            "该申请刚被其他人更新，请刷新后重试。",
            "The request was just changed by someone else; reload and retry.",
        ),
        ErrorCode::RateLimited => (
            "操作太频繁，请稍后再试。",
            "Too many requests; try again later.",
        ),
        ErrorCode::Unauthorized => ("请先登录。", "Please sign in."),
        ErrorCode::InvalidCredentials => ("用户名或密码不正确。", "Wrong username or password."),
        ErrorCode::CsrfRejected => (
            "页面已过期，请刷新后重试。",
            "This page has expired: reload it and try again.",
        ),
        ErrorCode::Forbidden => (
            "您的岗位无权办理这一步。",
            "Your role may not perform this step.",
        ),
        ErrorCode::MethodNotAllowed => ("不支持该请求方法。", "This method is not allowed here."),
        ErrorCode::ServiceUnavailable => (
            "服务暂时不可用，请稍后重试。",
            "The service is temporarily unavailable; please retry shortly.",
        ),
        // Rule-engine errors: the case cannot be decided.
        ErrorCode::Case(
            CaseCode::InvalidCase
            | CaseCode::EmptyOrder
            | CaseCode::DuplicateLineId
            | CaseCode::UnknownKind
            | CaseCode::InvalidQuantity
            | CaseCode::InvalidPrice
            | CaseCode::AmountOverflow
            | CaseCode::TimeOutOfRange,
        ) => (
            "无法根据该订单判断这项申请，请检查订单信息。",
            "This request cannot be decided for this order; check the order details.",
        ),
        ErrorCode::Case(CaseCode::UnknownLine) => (
            "所选商品不在该订单中。",
            "A selected item is not part of this order.",
        ),
        ErrorCode::Case(CaseCode::MissingComplaintAbout) => (
            "请说明投诉针对服务还是产品。",
            "Say whether the complaint is about the service or a product.",
        ),
        ErrorCode::Internal | ErrorCode::Other(_) => ("服务器内部错误。", "Internal server error."),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_language_by_quality() {
        assert_eq!(Lang::from_accept_language(None), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(
            Lang::from_accept_language(Some("fr, en;q=0.5, zh;q=0.8")),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::Zh);
        assert_eq!(Lang::from_accept_language(Some("zh;q=0, en")), Lang::En);
    }

    #[test]
    fn every_code_but_internal_has_its_own_message() {
        let generic = message(&ErrorCode::Internal, Lang::En);
        for code in ErrorCode::LISTED {
            if *code != ErrorCode::Internal {
                assert_ne!(message(code, Lang::En), generic, "{code}");
            }
        }
        for code in CaseCode::ALL {
            assert_ne!(
                message(&ErrorCode::Case(*code), Lang::En),
                generic,
                "{code}"
            );
        }
    }
}
