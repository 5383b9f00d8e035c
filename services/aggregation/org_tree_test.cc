#include "services/aggregation/org_tree.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregation/aggregation_test_util.h"

namespace budgetperf {
namespace {

using aggregation_testing::MakeUscc;
using aggregation_testing::Node;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class OrgTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.Put(Node("430602", v1::NODE_KIND_DISTRICT, ""));
    tree_.Put(Node("D1", v1::NODE_KIND_DEPARTMENT, "430602"));
    tree_.Put(Node("D2", v1::NODE_KIND_DEPARTMENT, "430602"));
    tree_.Put(Node(u1_, v1::NODE_KIND_UNIT, "D1"));
    tree_.Put(Node(u2_, v1::NODE_KIND_UNIT, "D1"));
    // u3 exists from 2024 only.
    tree_.Put(Node(u3_, v1::NODE_KIND_UNIT, "D2", "430602", 2024));
    // u1 moves to D2 from 2024.
    tree_.Put(Node(u1_, v1::NODE_KIND_UNIT, "D2", "430602", 2024));
  }

  OrgTree tree_;
  const std::string u1_ = MakeUscc("430602", 1);
  const std::string u2_ = MakeUscc("430602", 2);
  const std::string u3_ = MakeUscc("430602", 3);
};

TEST_F(OrgTreeTest, VersionsGiveEachYearItsTree) {
  EXPECT_THAT(tree_.PathAt(u1_, 2023), ElementsAre(u1_, "D1", "430602"));
  EXPECT_THAT(tree_.PathAt(u1_, 2024), ElementsAre(u1_, "D2", "430602"));
  EXPECT_THAT(tree_.PathAt(u1_, 2030), ElementsAre(u1_, "D2", "430602"));
  EXPECT_EQ(tree_.NodeAt(u3_, 2023), nullptr);
  EXPECT_NE(tree_.NodeAt(u3_, 2024), nullptr);
  EXPECT_EQ(tree_.Versions(u1_)->size(), 2u);
  EXPECT_EQ(tree_.NodeAt(u1_, OrgTree::kLatestYear)->parent_code(), "D2");
}

TEST_F(OrgTreeTest, ChildrenAndExpectedUnitsPerYear) {
  EXPECT_THAT(tree_.ChildrenAt("D1", 2023), UnorderedElementsAre(u1_, u2_));
  EXPECT_THAT(tree_.ChildrenAt("D2", 2023), IsEmpty());
  EXPECT_THAT(tree_.ChildrenAt("D2", 2024), UnorderedElementsAre(u1_, u3_));
  EXPECT_THAT(tree_.ChildrenAt("", 2023), ElementsAre("430602"));
  EXPECT_EQ(tree_.ExpectedUnits("430602", 2023), 2);
  EXPECT_EQ(tree_.ExpectedUnits("430602", 2024), 3);
  EXPECT_EQ(tree_.ExpectedUnits("D1", 2024), 1);
  EXPECT_EQ(tree_.ExpectedUnits("D2", 2024), 2);
  EXPECT_EQ(tree_.ExpectedUnits(u2_, 2024), 1);
  EXPECT_EQ(tree_.ExpectedUnits("nope", 2024), 0);
  EXPECT_THAT(tree_.SubtreeAt("D2", 2024), ElementsAre("D2", u1_, u3_));
  EXPECT_THAT(tree_.SubtreeAt("D2", 1990), ElementsAre("D2"));
}

// A department coded by its USCC is a budget unit that files its own
// package (部门本级) at its node: it is expected, like its units, so that the
// filed share never passes 100% when every one of them files. Departments
// coded otherwise only group units.
TEST_F(OrgTreeTest, DepartmentsCodedByAUsccAreExpectedFilersToo) {
  const std::string department = MakeUscc("430602", 10);
  const std::string unit = MakeUscc("430602", 11);
  tree_.Put(Node(department, v1::NODE_KIND_DEPARTMENT, "430602"));
  tree_.Put(Node(unit, v1::NODE_KIND_UNIT, department));
  EXPECT_TRUE(OrgTree::ExpectedToFile(*tree_.NodeAt(department, 2023)));
  EXPECT_TRUE(OrgTree::ExpectedToFile(*tree_.NodeAt(unit, 2023)));
  EXPECT_FALSE(OrgTree::ExpectedToFile(*tree_.NodeAt("D1", 2023)));
  EXPECT_FALSE(OrgTree::ExpectedToFile(*tree_.NodeAt("430602", 2023)));
  EXPECT_EQ(tree_.ExpectedUnits(department, 2023), 2);  // itself and its unit
  EXPECT_EQ(tree_.ExpectedUnits("D1", 2023), 2);        // its two units only
  EXPECT_EQ(tree_.ExpectedUnits("430602", 2023), 4);
}

TEST_F(OrgTreeTest, UnassignedNodesHangUnderTheShallowestNodeOfTheirDivision) {
  tree_.Put(OrgTree::MakeUnassignedNode("430602"));
  tree_.Put(OrgTree::MakeUnassignedNode("430603"));
  EXPECT_EQ(tree_.ParentAt("unassigned-430602", 2023), "430602");  // not D1, deeper
  EXPECT_EQ(tree_.ParentAt("unassigned-430603", 2023), "");
  EXPECT_THAT(tree_.UnassignedCodes(), ElementsAre("unassigned-430602", "unassigned-430603"));
  EXPECT_EQ(tree_.ExpectedUnits("430602", 2023), 2);  // unassigned nodes expect nobody
  const std::string outsider = MakeUscc("430602", 99);
  EXPECT_THAT(tree_.UnitPathAt(outsider, 2023, "430602"),
              ElementsAre(outsider, "unassigned-430602", "430602"));
  EXPECT_THAT(tree_.UnitPathAt(outsider, 2023, "430700"),
              ElementsAre(outsider, "unassigned-430700"));
  // u3 is not in the tree in 2023: it is unassigned that year.
  EXPECT_THAT(tree_.UnitPathAt(u3_, 2023, "430602"),
              ElementsAre(u3_, "unassigned-430602", "430602"));
  EXPECT_THAT(tree_.UnitPathAt(u3_, 2024, "430602"), ElementsAre(u3_, "D2", "430602"));
}

TEST_F(OrgTreeTest, CloneCopiesNodesNotCache) {
  EXPECT_EQ(tree_.ExpectedUnits("430602", 2024), 3);
  std::unique_ptr<OrgTree> copy = tree_.Clone();
  copy->Put(Node(MakeUscc("430602", 4), v1::NODE_KIND_UNIT, "D1"));
  EXPECT_EQ(copy->ExpectedUnits("430602", 2024), 4);
  EXPECT_EQ(tree_.ExpectedUnits("430602", 2024), 3);
}

TEST_F(OrgTreeTest, DescendantsAnyYearFollowEveryVersion) {
  EXPECT_THAT(tree_.DescendantsAnyYear({"D2"}), UnorderedElementsAre("D2", u1_, u3_));
  EXPECT_THAT(tree_.DescendantsAnyYear({"D1"}), UnorderedElementsAre("D1", u1_, u2_));
}

TEST_F(OrgTreeTest, FindsACycleOnlyWhereOneExists) {
  EXPECT_EQ(tree_.FindCycle(), std::nullopt);
  // From 2025 the district hangs under D1, which hangs under the district.
  tree_.Put(Node("430602", v1::NODE_KIND_DISTRICT, "D1", "430602", 2025));
  std::optional<std::vector<std::string>> cycle = tree_.FindCycle();
  ASSERT_TRUE(cycle.has_value());
  EXPECT_THAT(*cycle, UnorderedElementsAre("430602", "D1"));
  // Paths stay finite even so.
  EXPECT_LE(tree_.PathAt(u2_, 2025).size(), tree_.size() + 2);
}

std::vector<std::string> Messages(const std::vector<NodeError>& errors) {
  std::vector<std::string> out;
  for (const NodeError& e : errors) out.push_back(std::to_string(e.index) + " " + e.message);
  return out;
}

TEST_F(OrgTreeTest, ValidateReportsEveryBadNode) {
  std::vector<v1::OrgNode> batch = {
      Node("12430602MB1C04587A", v1::NODE_KIND_UNIT, "D1"),         // 0: bad check character
      Node("D3", v1::NODE_KIND_DEPARTMENT, "nowhere"),              // 1: unknown parent
      Node(MakeUscc("430602", 7), v1::NODE_KIND_UNIT, u2_),         // 2: a unit as parent
      Node("unassigned-1", v1::NODE_KIND_DEPARTMENT, "430602"),     // 3: reserved prefix
      Node("D4", v1::NODE_KIND_DEPARTMENT, "430602", "4306"),       // 4: bad division
      Node("D1", v1::NODE_KIND_UNIT, "430602"),                     // 5: kind change
      Node("D5", v1::NODE_KIND_DEPARTMENT, "430602"),               // 6: fine
      Node("D5", v1::NODE_KIND_DEPARTMENT, "430602"),               // 7: twice
      Node("D6", v1::NODE_KIND_UNSPECIFIED, "430602"),              // 8: no kind
      Node(MakeUscc("430602", 8), v1::NODE_KIND_UNIT, "430602"),    // 9: has a child below
      Node("D7", v1::NODE_KIND_DEPARTMENT, MakeUscc("430602", 8)),  // 10: its child
  };
  batch[6].set_name("");  // 6: no name after all
  std::vector<NodeError> errors = ValidateNodeBatch(tree_, &batch);
  std::set<int> indexes;
  for (const NodeError& e : errors) indexes.insert(e.index);
  EXPECT_EQ(indexes, (std::set<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
      << ::testing::PrintToString(Messages(errors));
  auto has = [&](int index, const std::string& part) {
    for (const NodeError& e : errors) {
      if (e.index == index && e.message.find(part) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(0, "check character"));
  EXPECT_TRUE(has(1, "\"nowhere\" is not in the tree"));
  EXPECT_TRUE(has(2, "is a unit, which cannot have children"));
  EXPECT_TRUE(has(3, "reserved"));
  EXPECT_TRUE(has(4, "430"));
  EXPECT_TRUE(has(5, "keeps its kind"));
  EXPECT_TRUE(has(6, "name is empty"));
  EXPECT_TRUE(has(7, "twice"));
  EXPECT_TRUE(has(8, "kind must be"));
  EXPECT_TRUE(has(9, "other rows name it as their parent"));
  EXPECT_TRUE(has(10, "cannot have children"));
}

TEST_F(OrgTreeTest, ValidateFillsAUnitsUsccAndAcceptsKnownParents) {
  std::vector<v1::OrgNode> batch = {Node(MakeUscc("430602", 5), v1::NODE_KIND_UNIT, "D3"),
                                    Node("D3", v1::NODE_KIND_DEPARTMENT, "430602")};
  EXPECT_THAT(Messages(ValidateNodeBatch(tree_, &batch)), IsEmpty());
  EXPECT_EQ(batch[0].uscc(), batch[0].code());
  std::vector<v1::OrgNode> orphan = {Node("D9", v1::NODE_KIND_DEPARTMENT, "bad-row")};
  EXPECT_THAT(Messages(ValidateNodeBatch(tree_, &orphan, {"bad-row"})), IsEmpty());
}

}  // namespace
}  // namespace budgetperf
