//! The report as a component property.

use std::ops::Deref;
use std::rc::Rc;

use crate::report::Report;

/// The analysis every component shows, shared, and compared by identity: the app computes a new one only when
/// the inputs or the time change, so "same allocation" means "same report". Comparing contents instead (as
/// `Rc<Report>` does) walked every check once per component on each render: 60 ms per keystroke with a
/// 1 MB policy.
#[derive(Clone, Debug)]
pub struct ReportProp(pub Rc<Report>);

impl PartialEq for ReportProp {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for ReportProp {
    type Target = Report;

    fn deref(&self) -> &Report {
        &self.0
    }
}

impl From<Rc<Report>> for ReportProp {
    fn from(report: Rc<Report>) -> Self {
        ReportProp(report)
    }
}
