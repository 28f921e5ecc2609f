//! The indicators' names as the plan writes them.

use chrono::NaiveDate;

/// The indicator's name in the plan (Vietnamese).
pub fn name_vi(key: &str) -> &'static str {
    match key {
        "child_friendly_communes" => "Tỷ lệ xã, thị trấn đạt tiêu chuẩn phù hợp với trẻ em",
        "play_spots" => "Tỷ lệ xã, thị trấn có điểm văn hoá, vui chơi dành cho trẻ em",
        "school_sanitation" => "Tỷ lệ cơ sở giáo dục có công trình vệ sinh đạt tiêu chuẩn",
        "school_psych_support" => "Tỷ lệ trường học có dịch vụ hỗ trợ tâm lý trẻ em",
        "disaster_relief" => "Tỷ lệ trẻ em gặp thiên tai, thảm hoạ được cứu trợ, hỗ trợ kịp thời",
        "abuse_intervention" => "Tỷ lệ trẻ em bị xâm hại, lạm dụng, bóc lột được can thiệp, hỗ trợ",
        "birth_registration_u5" => "Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh",
        "underweight_u5" => "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể cân nặng theo tuổi",
        "stunting_u5" => "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể chiều cao theo tuổi",
        "preschool_5yo" => "Tỷ lệ huy động trẻ em 5 tuổi đi học mẫu giáo",
        "primary_completion" => "Tỷ lệ trẻ em hoàn thành chương trình tiểu học",
        "lower_secondary_graduation" => "Tỷ lệ trẻ em tốt nghiệp trung học cơ sở",
        "participation_awareness" => {
            "Tỷ lệ trẻ em được nâng cao nhận thức, năng lực về quyền tham gia"
        }
        "participation_11plus" => {
            "Tỷ lệ trẻ em từ 11 tuổi trở lên tham gia mô hình, hoạt động thúc đẩy quyền tham gia"
        }
        _ => "",
    }
}

/// The indicator's name for figures as of `on`: the plan's own words,
/// except that since the reform of 1/7/2025 there are no towns (thị trấn),
/// so "xã, thị trấn" reads "xã, phường".
pub fn name_vi_on(key: &str, on: NaiveDate) -> &'static str {
    let reformed = NaiveDate::from_ymd_opt(2025, 7, 1).is_some_and(|reform| on >= reform);
    match key {
        "child_friendly_communes" if reformed => {
            "Tỷ lệ xã, phường đạt tiêu chuẩn phù hợp với trẻ em"
        }
        "play_spots" if reformed => "Tỷ lệ xã, phường có điểm văn hoá, vui chơi dành cho trẻ em",
        _ => name_vi(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_are_gone_after_the_reform() {
        let before = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let after = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(
            name_vi_on("play_spots", before),
            "Tỷ lệ xã, thị trấn có điểm văn hoá, vui chơi dành cho trẻ em"
        );
        assert_eq!(
            name_vi_on("child_friendly_communes", after),
            "Tỷ lệ xã, phường đạt tiêu chuẩn phù hợp với trẻ em"
        );
        assert_eq!(name_vi_on("stunting_u5", after), name_vi("stunting_u5"));
        for key in crate::indicators::KEYS {
            assert!(!name_vi_on(key, after).contains("thị trấn"), "{key}");
        }
    }
}
